namespace Postern.Agent.Attestation;

/// <summary>
/// What the kernel says about the process at the other end of a Workload API connection:
/// its credentials at connect time and, when it could be read safely, its executable's path.
/// </summary>
/// <param name="Uid">The caller's user id.</param>
/// <param name="Gid">The caller's primary group id.</param>
/// <param name="Pid">The caller's process id (sent to the server for the audit record; not part of policy or of the cache key).</param>
/// <param name="Exe">The executable's absolute path, or null when it could not be read or the process may have been replaced.</param>
public sealed record UnixWorkload(uint Uid, uint Gid, int Pid, string? Exe)
{
    /// <summary>The SHA-256 of the executable the process runs (lower-case hex), read through <c>/proc/&lt;pid&gt;/exe</c>; null with <see cref="Exe"/>.</summary>
    public string? ExeSha256 { get; init; }
}
