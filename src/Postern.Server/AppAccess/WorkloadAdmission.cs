using Postern.Resources;

namespace Postern.Server.AppAccess;

/// <summary>
/// The outcome of a workload's JWT-SVID at an app: the bot it speaks for, or the status (401: no valid token; 403: a
/// valid token whose bot may not open the app) and why. What is known of the token is kept for the audit event.
/// </summary>
internal sealed record WorkloadAdmission(int Status, string? Reason, string? SpiffeId, string? SvidJti, DateTimeOffset SvidExpires, BotResource? Bot)
{
    public static WorkloadAdmission Refused(int status, string reason, string? spiffeId = null, string? jti = null, string? bot = null) =>
        new(status, reason, spiffeId, jti, default, null) { BotName = bot };

    /// <summary>The bot's name, also when it is refused.</summary>
    public string? BotName { get; init; }
}
