namespace Postern.Server.WorkloadIdentity;

/// <summary>
/// The newest generation of a lineage of bot credentials, stored at <c>/bot_lineages/&lt;id&gt;</c> until its newest
/// credential expires: a renewal is one conditional write of this record from <see cref="Generation"/> to the next, so two
/// renewals of one credential cannot both succeed. <see cref="Revoked"/> once a superseded credential of it was presented.
/// </summary>
internal sealed record BotLineageRecord(string Bot, long Generation, DateTimeOffset Expires, bool Revoked)
{
    public const string Prefix = "/bot_lineages/";
}
