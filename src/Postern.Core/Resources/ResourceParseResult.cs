namespace Postern.Resources;

/// <summary>What <see cref="ResourceYaml.Parse"/> read: the resources, or (when <see cref="Errors"/> is not empty) the reasons to refuse them all.</summary>
public sealed record ResourceParseResult(IReadOnlyList<Resource> Resources, IReadOnlyList<string> Errors);
