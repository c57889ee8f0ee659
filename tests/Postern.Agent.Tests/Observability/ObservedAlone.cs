namespace Postern.Agent.Tests.Observability;

/// <summary>
/// Tests that read counts from metrics run alone: a MeterProvider hears every meter of its name in the process, so a
/// server started by another test at the same time would add to the counts.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ObservedAlone
{
    public const string Name = "observed alone";
}
