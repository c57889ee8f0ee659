namespace Postern.WorkloadIdentity;

/// <summary>
/// The executable is not a security boundary by itself: on a host where a binary is world-executable, any local
/// user can run it (and what a process runs can be changed under a connection). A rule that names the executable
/// (<c>workload.unix.exe</c> or <c>workload.unix.exe_sha256</c>) must also name who runs it: <c>workload.unix.uid</c>
/// or <c>workload.unix.gid</c>.
/// </summary>
public static class ExecutableRuleBoundary
{
    private static readonly string[] Executable = ["workload.unix.exe", WorkloadAttributes.ExeSha256];
    private static readonly string[] Runner = ["workload.unix.uid", "workload.unix.gid"];

    /// <summary><c>null</c> when the rule's <paramref name="conditions"/> may stand; otherwise what to change.</summary>
    public static string? Check(IReadOnlyList<WorkloadCondition> conditions)
    {
        var names = conditions.Select(c => c.Attribute).ToHashSet(StringComparer.Ordinal);
        return names.Overlaps(Executable) && !names.Overlaps(Runner)
            ? "a rule on the executable (workload.unix.exe, workload.unix.exe_sha256) must also have a condition on workload.unix.uid or workload.unix.gid: any local user can run a world-executable binary"
            : null;
    }
}
