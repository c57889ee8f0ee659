using System.Diagnostics.CodeAnalysis;

namespace Postern.WorkloadIdentity;

/// <summary>
/// Which kinds of caller a workload identity may go to (<c>spec.callers</c>): <c>[bots]</c> when left out, so that an
/// identity meant for machines never reaches a signed-in person by accident; <c>[users]</c> or <c>[users, bots]</c>
/// when written so.
/// </summary>
[Flags]
public enum WorkloadCallers
{
    /// <summary>No caller; never the value of a policy that was read.</summary>
    None = 0,

    /// <summary>Bots: scripts with their own credential, and processes asking an agent.</summary>
    Bots = 1,

    /// <summary>Signed-in people.</summary>
    Users = 2,
}

/// <summary>Reading, writing and testing <see cref="WorkloadCallers"/>.</summary>
public static class WorkloadCallersText
{
    /// <summary>The callers of a workload identity that does not say.</summary>
    public const WorkloadCallers Default = WorkloadCallers.Bots;

    /// <summary>Reads <c>spec.callers</c>: one or both of <c>bots</c>, <c>users</c>.</summary>
    public static bool TryParse(IReadOnlyList<string> names, out WorkloadCallers callers, [NotNullWhen(false)] out string? error)
    {
        callers = WorkloadCallers.None;
        foreach (var name in names)
        {
            var one = name switch
            {
                "bots" => WorkloadCallers.Bots,
                "users" => WorkloadCallers.Users,
                _ => WorkloadCallers.None,
            };
            if (one == WorkloadCallers.None)
            {
                error = $"'{name}' is not a kind of caller (expected bots, users)";
                return false;
            }

            callers |= one;
        }

        error = callers == WorkloadCallers.None ? "name at least one kind of caller: bots, users (leave out callers for bots only)" : null;
        return error is null;
    }

    /// <summary>The names as written in <c>spec.callers</c>.</summary>
    public static IReadOnlyList<string> Names(this WorkloadCallers callers) =>
        [.. new[] { (WorkloadCallers.Users, "users"), (WorkloadCallers.Bots, "bots") }.Where(c => callers.HasFlag(c.Item1)).Select(c => c.Item2)];

    /// <summary>Does <paramref name="callers"/> include callers of <paramref name="kind"/>?</summary>
    public static bool Includes(this WorkloadCallers callers, WorkloadCallerKind kind) =>
        callers.HasFlag(kind == WorkloadCallerKind.Bot ? WorkloadCallers.Bots : WorkloadCallers.Users);
}
