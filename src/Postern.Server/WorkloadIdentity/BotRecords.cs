namespace Postern.Server.WorkloadIdentity;

/// <summary>
/// A one-time join token for a bot, stored at <c>/bot_join_tokens/&lt;hash&gt;</c> until it expires. Once used, it
/// is kept (with <see cref="UsedAt"/>) until then, so that a second use is told apart from a token never issued.
/// <see cref="Agent"/>: an agent's token (<c>--agent</c>), whose credential may present attested workload attributes;
/// a record written before there were agent tokens reads as a script's.
/// </summary>
internal sealed record JoinTokenRecord(string Bot, IReadOnlyDictionary<string, string> Labels, DateTimeOffset Expires, DateTimeOffset? UsedAt, bool Agent = false)
{
    public const string Prefix = "/bot_join_tokens/";
}

/// <summary>
/// A bot's renewable credential, stored at <c>/bot_credentials/&lt;hash&gt;</c> until it expires. <see cref="Agent"/> is
/// copied from the join token and kept by renewal; a record written before there were agent tokens reads as a script's.
/// </summary>
internal sealed partial record BotCredentialRecord(string Bot, IReadOnlyDictionary<string, string> Labels, DateTimeOffset Issued, DateTimeOffset Expires, bool Agent = false)
{
    public const string Prefix = "/bot_credentials/";
}

/// <summary>The outcome of presenting a bot credential: the bot, or a status and why not.</summary>
internal sealed record BotAuthentication(BotCredentialRecord? Bot, string? CredentialHash, int Status, string? Error)
{
    public static BotAuthentication Refused(int status, string error) => new(null, null, status, error);
}
