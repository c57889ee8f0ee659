using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Postern.Audit;
using Postern.Configuration;
using Postern.Resources;
using Postern.Server.Sessions;
using Postern.Server.State;
using Postern.Storage;
using Postern.WorkloadIdentity.Api;

namespace Postern.Server.WorkloadIdentity;

/// <summary>
/// Bots' join tokens and credentials. A join token is used once, for a credential that lives
/// <see cref="CredentialLifetime"/> and is renewed before it ends; a lock on <c>bot/NAME</c> (or removing the
/// bot) refuses its credential on every instance as soon as their state has seen it. Only hashes of tokens
/// and credentials are stored.
/// </summary>
internal sealed partial class BotAuthority(IBackend store, ClusterState cluster, BotCredentials credentials, AuditLog audit, PosternConfig config, TimeProvider time, JoinRefusals refusals)
{
    /// <summary>How long a bot credential lives; the agent renews it at half of that.</summary>
    public static readonly TimeSpan CredentialLifetime = TimeSpan.FromHours(1);

    /// <summary>The default lifetime of a join token.</summary>
    public static readonly TimeSpan DefaultJoinTokenLifetime = TimeSpan.FromHours(1);

    /// <summary>
    /// Makes a join token for <paramref name="bot"/>, whose joins carry <paramref name="labels"/>: an agent's when
    /// <paramref name="agent"/>, a script's otherwise.
    /// </summary>
    /// <remarks>Not written here: the caller writes <c>Record</c> in one transaction with its audit event.</remarks>
    public (string Token, DateTimeOffset Expires, BatchPut Record) PrepareJoinToken(string bot, IReadOnlyDictionary<string, string> labels, bool agent, TimeSpan lifetime)
    {
        var token = SessionKeys.NewToken();
        var expires = time.GetUtcNow() + lifetime;
        return (token, expires, new BatchPut(JoinTokenRecord.Prefix + SessionKeys.Hash(token), StoreJson.Serialize(new JoinTokenRecord(bot, labels, expires, null, agent)), expires));
    }

    /// <summary>
    /// Exchanges a join token, once, for a credential. <paramref name="asAgent"/> (an agent joining) refuses a script's
    /// token without using it up. Every attempt is audited: one that names a bot as a
    /// <see cref="AuditEventTypes.BotJoin"/> event, durable before this returns; one that does not (a malformed or
    /// unknown token) counted in <see cref="JoinRefusals"/>.
    /// </summary>
    public async Task<(BotCredentialGrant? Grant, string? Error)> JoinAsync(string? token, bool asAgent, string remote, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        string? bot = null;
        string? error = null;
        BotCredentialGrant? grant = null;
        if (!SessionKeys.IsWellFormed(token))
        {
            error = "the join token is malformed";
        }
        else if (await store.GetAsync(JoinTokenRecord.Prefix + SessionKeys.Hash(token!), cancellationToken).ConfigureAwait(false) is not { } item
            || StoreJson.TryDeserialize<JoinTokenRecord>(item.Value) is not { } record)
        {
            error = "the join token is unknown or expired";
        }
        else
        {
            bot = record.Bot;
            var standing = IdentityStanding.OfBot(cluster, record.Bot);
            error = record.UsedAt is { } used ? $"the join token was already used at {used:O}"
                : record.Expires <= now ? "the join token has expired"
                : !standing.Exists ? $"bot '{record.Bot}' no longer exists"
                : standing.IsLocked ? $"bot '{record.Bot}' is locked"
                : asAgent && !record.Agent ? $"the join token of bot '{record.Bot}' is not an agent's; make one with `postern bots token {record.Bot} --agent`"
                : null;
            if (error is null)
            {
                var consumed = await store.CompareAndSwapAsync(item.Key, item.Revision, StoreJson.Serialize(record with { UsedAt = now }), record.Expires, cancellationToken).ConfigureAwait(false);
                if (consumed.Succeeded)
                {
                    grant = await IssueCredentialAsync(record.Bot, record.Labels, record.Agent, cancellationToken).ConfigureAwait(false);
                    error = grant is null ? $"bot '{record.Bot}' no longer exists" : null;
                }
                else
                {
                    error = "the join token was already used";
                }
            }
        }

        if (bot is null)
        {
            await refusals.CountAsync(remote, error!, cancellationToken).ConfigureAwait(false);
            return (null, error);
        }

        await audit.AppendAsync(AuditEventTypes.BotJoin, AuditActor.Bot(bot, remote).Stamp(new JsonObject
        {
            ["bot"] = bot,
            ["success"] = grant is not null,
            ["agent"] = asAgent,
            ["reason"] = error,
            ["remote_addr"] = remote,
        }), cancellationToken).ConfigureAwait(false);
        return (grant, error);
    }

    /// <summary>Checks a bearer credential: 401 when unknown or expired, 403 when its bot is locked or gone.</summary>
    public async Task<BotAuthentication> AuthenticateAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return BotAuthentication.Refused(StatusCodes.Status401Unauthorized, "a bot credential is required (Authorization: Bearer …)");
        }

        var credential = header["Bearer ".Length..].Trim();
        if (!SessionKeys.IsWellFormed(credential))
        {
            return BotAuthentication.Refused(StatusCodes.Status401Unauthorized, "the bot credential is malformed");
        }

        // Credentials are followed in memory by the watch; one made a moment ago on another instance may not have
        // arrived yet, so a miss is read from the store.
        var hash = SessionKeys.Hash(credential);
        var record = credentials.Find(hash);
        if (record is null
            && await store.GetAsync(BotCredentialRecord.Prefix + hash, context.RequestAborted).ConfigureAwait(false) is { } item)
        {
            record = StoreJson.TryDeserialize<BotCredentialRecord>(item.Value);
        }

        if (record?.SupersededAt is not null)
        {
            await CredentialReusedAsync(record, hash, context.Connection.RemoteIpAddress?.ToString() ?? "", context.RequestAborted).ConfigureAwait(false);
            return BotAuthentication.Refused(StatusCodes.Status401Unauthorized, Superseded);
        }

        if (record is null || record.Expires <= time.GetUtcNow())
        {
            return BotAuthentication.Refused(StatusCodes.Status401Unauthorized, "the bot credential is unknown or expired; join again with a new token");
        }

        var standing = IdentityStanding.OfBot(cluster, record.Bot);
        if (!standing.Exists)
        {
            return BotAuthentication.Refused(StatusCodes.Status403Forbidden, $"bot '{record.Bot}' no longer exists");
        }

        if (standing.Lock is { } locked)
        {
            return BotAuthentication.Refused(StatusCodes.Status403Forbidden, $"bot '{record.Bot}' is locked{(locked.Message is { } why ? ": " + why : "")}");
        }

        return new BotAuthentication(record, hash, StatusCodes.Status200OK, null);
    }

    /// <summary>
    /// Deletes every credential and join token of <paramref name="bot"/>, which is being removed: a bot added again under
    /// the same name starts with none of them. Returns how many of each were deleted.
    /// </summary>
    public async Task<(int Credentials, int JoinTokens)> RevokeAllAsync(string bot, CancellationToken cancellationToken)
    {
        var credentials = await DeleteWhereAsync(BotCredentialRecord.Prefix, value => StoreJson.TryDeserialize<BotCredentialRecord>(value)?.Bot == bot, cancellationToken).ConfigureAwait(false);
        var joinTokens = await DeleteWhereAsync(JoinTokenRecord.Prefix, value => StoreJson.TryDeserialize<JoinTokenRecord>(value)?.Bot == bot, cancellationToken).ConfigureAwait(false);
        return (credentials, joinTokens);
    }

    private async Task<int> DeleteWhereAsync(string prefix, Func<ReadOnlyMemory<byte>, bool> belongs, CancellationToken cancellationToken)
    {
        var deleted = 0;
        foreach (var item in await store.RangeAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            if (belongs(item.Value) && await store.DeleteAsync(item.Key, cancellationToken).ConfigureAwait(false))
            {
                deleted++;
            }
        }

        return deleted;
    }

    /// <summary>A new credential for <paramref name="bot"/>; <c>null</c> when the bot is no longer in the store.</summary>
    private async Task<BotCredentialGrant?> IssueCredentialAsync(string bot, IReadOnlyDictionary<string, string> labels, bool agent, CancellationToken cancellationToken)
    {
        var credential = SessionKeys.NewToken();
        var key = BotCredentialRecord.Prefix + SessionKeys.Hash(credential);
        var now = time.GetUtcNow();
        var expires = now + CredentialLifetime;
        var revision = await store.PutAsync(key, StoreJson.Serialize(new BotCredentialRecord(bot, labels, now, expires, agent)), expires, cancellationToken).ConfigureAwait(false);

        // The caller saw the bot in this instance's state, which may lag a removal; a removal sweeps the bot's credentials
        // after deleting it, so a credential written after that sweep is caught here, by reading the store itself.
        if (await store.GetAsync(ResourceJson.StoreKey(ResourceKinds.Bot, bot), cancellationToken).ConfigureAwait(false) is null)
        {
            await store.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
            return null;
        }

        await cluster.WaitForRevisionAsync(revision, cancellationToken).ConfigureAwait(false);
        return new BotCredentialGrant(bot, credential, expires, config.TrustDomain);
    }
}
