namespace Postern.Identity;

/// <summary>Verbs allowed (or denied) on kinds of resources; <c>*</c> matches any.</summary>
public sealed record ResourceRule
{
    /// <summary>Resource kinds, e.g. <c>role</c>, <c>app</c>, <c>event</c>.</summary>
    public IReadOnlyList<string> Resources { get; init; } = [];

    /// <summary>Verbs, e.g. <c>list</c>, <c>read</c>, <c>create</c>, <c>update</c>, <c>delete</c>.</summary>
    public IReadOnlyList<string> Verbs { get; init; } = [];
}
