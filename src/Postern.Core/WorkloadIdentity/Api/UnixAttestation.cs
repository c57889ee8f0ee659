using System.Text.Json.Serialization;

namespace Postern.WorkloadIdentity.Api;

/// <summary>
/// <c>workload.unix</c> of a <see cref="JwtSvidRequest"/>, as sent. <see cref="Uid"/> and <see cref="Gid"/> are
/// nullable only so that a request without them is refused with a clear message rather than read as 0.
/// </summary>
/// <param name="Uid">The process's user id; required, non-negative.</param>
/// <param name="Gid">The process's group id; required, non-negative.</param>
/// <param name="Pid">The process id.</param>
/// <param name="Exe">The executable's path; <c>null</c> when the agent could not read it.</param>
/// <param name="ExeSha256">The SHA-256 of the executable (lower-case hex); <c>null</c> with <paramref name="Exe"/>.</param>
public sealed record UnixAttestation(
    [property: JsonPropertyName("uid")] long? Uid,
    [property: JsonPropertyName("gid")] long? Gid,
    [property: JsonPropertyName("pid")] long? Pid,
    [property: JsonPropertyName("exe")] string? Exe,
    [property: JsonPropertyName("exe_sha256")] string? ExeSha256 = null);
