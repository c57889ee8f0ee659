using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Postern.Audit;
using Postern.Resources;
using Postern.Server.Sessions;
using Postern.Server.State;
using Postern.Storage;
using Postern.WorkloadIdentity.Api;

namespace Postern.Server.WorkloadIdentity;

/// <summary>
/// Renewal and reuse detection. A renewal moves the credential's lineage from generation g to g + 1 in one conditional
/// write, which also stores the successor and marks the presented credential superseded. Presenting a superseded
/// credential afterwards, or losing that write to a concurrent renewal of the same credential, means two parties hold
/// it: every credential and join token of the bot is revoked, a <c>bot.credential.reuse</c> event is audited, and the
/// bot needs a new join token from an admin.
/// </summary>
internal sealed partial class BotAuthority
{
    private const string Superseded = "the bot credential was superseded by a renewal; presenting it again means it was copied, so every credential of the bot is revoked: join again with a new token";

    /// <summary>Replaces an authenticated credential with the next generation of its lineage; the old one stops working.</summary>
    public async Task<BotRenewal> RenewAsync(BotAuthentication authenticated, string remote, CancellationToken cancellationToken)
    {
        var hash = authenticated.CredentialHash!;
        var key = BotCredentialRecord.Prefix + hash;

        // From the store, not this instance's view of it: a renewal decided on a lagging view could be granted twice.
        if (await store.GetAsync(key, cancellationToken).ConfigureAwait(false) is not { } item
            || StoreJson.TryDeserialize<BotCredentialRecord>(item.Value) is not { } presented)
        {
            return BotRenewal.Refused(StatusCodes.Status401Unauthorized, "the bot credential is unknown or expired; join again with a new token");
        }

        var lineageId = presented.Lineage ?? hash;
        var lineageKey = BotLineageRecord.Prefix + lineageId;
        var lineageItem = await store.GetAsync(lineageKey, cancellationToken).ConfigureAwait(false);
        var lineage = lineageItem is null ? null : StoreJson.TryDeserialize<BotLineageRecord>(lineageItem.Value);
        if (lineage?.Revoked == true || (lineage is null && presented.Lineage is not null))
        {
            return BotRenewal.Refused(StatusCodes.Status401Unauthorized, "the bot credential is unknown or expired; join again with a new token");
        }

        if (presented.SupersededAt is not null || (lineage is not null && lineage.Generation != presented.Generation))
        {
            await CredentialReusedAsync(presented, hash, remote, cancellationToken).ConfigureAwait(false);
            return BotRenewal.Refused(StatusCodes.Status401Unauthorized, Superseded);
        }

        var credential = SessionKeys.NewToken();
        var now = time.GetUtcNow();
        var expires = now + CredentialLifetime;
        var next = presented.Generation + 1;
        var successor = presented with { Issued = now, Expires = expires, Lineage = lineageId, Generation = next, SupersededAt = null };
        var successorKey = BotCredentialRecord.Prefix + SessionKeys.Hash(credential);
        var written = await store.CompareAndSwapWithAsync(
            lineageKey,
            lineageItem?.Revision ?? Revision.Absent,
            StoreJson.Serialize(new BotLineageRecord(presented.Bot, next, expires, Revoked: false)),
            expires,
            [
                new BatchPut(successorKey, StoreJson.Serialize(successor), expires),
                new BatchPut(key, StoreJson.Serialize(presented with { Lineage = lineageId, SupersededAt = now }), expires),
            ],
            cancellationToken).ConfigureAwait(false);
        if (!written.Succeeded)
        {
            // Another renewal of this very credential got there first: it has two holders.
            await CredentialReusedAsync(presented with { Lineage = lineageId }, hash, remote, cancellationToken).ConfigureAwait(false);
            return BotRenewal.Refused(StatusCodes.Status401Unauthorized, Superseded);
        }

        // As at a join: a removal sweeps the bot's credentials after deleting it, so one written after that sweep is caught here.
        if (await store.GetAsync(ResourceJson.StoreKey(ResourceKinds.Bot, presented.Bot), cancellationToken).ConfigureAwait(false) is null)
        {
            await store.DeleteAsync(successorKey, cancellationToken).ConfigureAwait(false);
            return BotRenewal.Refused(StatusCodes.Status403Forbidden, $"bot '{presented.Bot}' no longer exists");
        }

        await cluster.WaitForRevisionAsync(written.Revision + 2, cancellationToken).ConfigureAwait(false);
        return new BotRenewal(new BotCredentialGrant(presented.Bot, credential, expires, config.TrustDomain), StatusCodes.Status200OK, null);
    }

    /// <summary>
    /// A credential was presented after its successor was issued: revokes its lineage (so that no renewal of it succeeds
    /// any more), then every credential and join token of the bot, and audits it once per lineage.
    /// </summary>
    private async Task CredentialReusedAsync(BotCredentialRecord presented, string hash, string remote, CancellationToken cancellationToken)
    {
        var lineageKey = BotLineageRecord.Prefix + (presented.Lineage ?? hash);
        long? current = null;
        while (true)
        {
            var item = await store.GetAsync(lineageKey, cancellationToken).ConfigureAwait(false);
            var lineage = item is null ? null : StoreJson.TryDeserialize<BotLineageRecord>(item.Value);
            if (lineage?.Revoked == true)
            {
                return;
            }

            current = lineage?.Generation;
            var revoked = new BotLineageRecord(presented.Bot, current ?? presented.Generation, time.GetUtcNow() + CredentialLifetime, Revoked: true);
            var written = await store.CompareAndSwapAsync(lineageKey, item?.Revision ?? Revision.Absent, StoreJson.Serialize(revoked), revoked.Expires, cancellationToken).ConfigureAwait(false);
            if (written.Succeeded)
            {
                break;
            }
        }

        // After the lineage is revoked: a renewal that read it before fails its write, one that wrote before is swept here.
        var (credentials, joinTokens) = await RevokeAllAsync(presented.Bot, cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(AuditEventTypes.BotCredentialReuse, AuditActor.Bot(presented.Bot, remote).Stamp(new JsonObject
        {
            ["bot"] = presented.Bot,
            ["generation"] = presented.Generation,
            ["current_generation"] = current,
            ["credentials_revoked"] = credentials,
            ["join_tokens_revoked"] = joinTokens,
            ["remote_addr"] = remote,
        }), cancellationToken).ConfigureAwait(false);
        await cluster.WaitForRevisionAsync(await store.CurrentRevisionAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }
}
