namespace Postern.Server.Tests.Diagnostics;

/// <summary>
/// Tests that listen to Postern's activity sources run alone: a listener hears every server in the process, and the
/// spans of tests running at the same time would mix with theirs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SpansAlone
{
    public const string Name = "spans alone";
}
