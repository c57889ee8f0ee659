using System.Text.RegularExpressions;

namespace Postern.WorkloadIdentity;

/// <summary>
/// One condition of a rule: an attribute of the caller compared with <c>equals</c>, <c>in</c> or <c>glob</c>
/// (<c>*</c> any run of characters, <c>?</c> one). A multi-valued attribute (a trait) matches when any of its
/// values does; an attribute the caller does not have never matches.
/// </summary>
public sealed class WorkloadCondition
{
    /// <summary>The attribute, e.g. <c>workload.unix.uid</c>.</summary>
    public required string Attribute { get; init; }

    /// <summary>How the attribute is compared.</summary>
    public required WorkloadConditionOperator Operator { get; init; }

    /// <summary>The value (one for <c>equals</c> and <c>glob</c>, any number for <c>in</c>).</summary>
    public required IReadOnlyList<string> Values { get; init; }

    /// <summary>How long a glob may take on one value; a match that takes longer is a refusal.</summary>
    internal TimeSpan GlobTimeout { get; init; } = GlobPattern.MatchTimeout;

    private Regex? _glob;

    /// <summary>Does <paramref name="caller"/> satisfy the condition?</summary>
    public bool Matches(WorkloadCaller caller)
    {
        if (caller.Lookup(Attribute) is not { } actual)
        {
            return false;
        }

        foreach (var value in actual)
        {
            var hit = Operator switch
            {
                WorkloadConditionOperator.Equals => string.Equals(value, Values[0], StringComparison.Ordinal),
                WorkloadConditionOperator.In => Values.Contains(value, StringComparer.Ordinal),
                _ => (_glob ??= GlobPattern.ToRegex(Values[0], GlobTimeout)).IsMatch(value),
            };
            if (hit)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The condition as people write it, for reasons.</summary>
    public override string ToString() => Operator switch
    {
        WorkloadConditionOperator.Equals => $"{Attribute} equals '{Values[0]}'",
        WorkloadConditionOperator.In => $"{Attribute} in [{string.Join(", ", Values.Select(v => $"'{v}'"))}]",
        _ => $"{Attribute} glob '{Values[0]}'",
    };
}

/// <summary>How a condition compares.</summary>
public enum WorkloadConditionOperator
{
    /// <summary>The attribute is exactly the value.</summary>
    Equals,

    /// <summary>The attribute is one of the values.</summary>
    In,

    /// <summary>The attribute matches the glob pattern.</summary>
    Glob,
}
