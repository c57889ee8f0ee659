namespace Postern.WorkloadIdentity;

/// <summary>
/// Attributes that are recorded but may not decide anything: <c>workload.unix.pid</c> changes with every process
/// of a workload and is reused by unrelated ones, so it names no workload, and the agent's SVID cache does not key
/// on it (an SVID issued for one pid would be handed to the next). Refused in templates and rules when a resource
/// is read.
/// </summary>
internal static class UnstableAttributes
{
    /// <summary>The process id.</summary>
    public const string Pid = "workload.unix.pid";

    /// <summary><c>null</c> when <paramref name="attribute"/> may be used in a template or a rule; otherwise why not.</summary>
    public static string? Refusal(string attribute) => attribute == Pid
        ? $"'{Pid}' may not be used: a process id changes with every process and is reused by others, so it names no workload "
            + "(and the agent's SVID cache does not key on it); use workload.unix.uid, workload.unix.gid or workload.unix.exe"
        : null;
}
