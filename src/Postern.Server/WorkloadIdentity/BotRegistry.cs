using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Postern.Audit;
using Postern.Resources;
using Postern.Server.State;
using Postern.Server.Users;
using Postern.Storage;

namespace Postern.Server.WorkloadIdentity;

/// <summary>
/// Adding bots, making their join tokens, and removing them with everything they hold: a removed bot's credentials
/// and join tokens go with it, so that a bot added again under the same name starts with none.
/// </summary>
internal sealed class BotRegistry(IBackend store, ClusterState cluster, BotAuthority authority, AuditLog audit, AuditedWrites writes)
{
    /// <summary>Adds a bot with its first join token: an agent's when <paramref name="agent"/>, a script's otherwise.</summary>
    public async Task<ChangeResult<JoinToken>> AddAsync(string? name, IReadOnlyList<string>? roles, IReadOnlyDictionary<string, string>? labels, bool agent, string? ttl, AuditActor actor, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (string.IsNullOrEmpty(name) || !Configuration.AppConfigReader.AppNamePattern().IsMatch(name))
        {
            problems.Add($"name: '{name}' is not a valid bot name (lowercase letters, digits and '-', at most 63 characters)");
        }

        if (roles is null || roles.Count == 0)
        {
            problems.Add("roles: at least one role is required");
        }
        else
        {
            problems.AddRange(roles.Where(r => cluster.FindRole(r) is null).Select(r => $"roles: role '{r}' does not exist"));
        }

        var lifetime = CheckJoinToken(ttl, labels, problems);
        if (problems.Count > 0)
        {
            return ChangeResult<JoinToken>.Refused(StatusCodes.Status400BadRequest, $"cannot add bot '{name}'", problems);
        }

        var bot = new BotResource { Metadata = new ResourceMetadata { Name = name! }, Roles = roles! };
        // The bot, its event, its first join token and that token's own event in one transaction, the events in that order.
        var (created, _) = audit.Prepare(AuditEventTypes.BotCreate, actor.Stamp(new JsonObject
        {
            ["bot"] = bot.Metadata.Name,
            ["roles"] = new JsonArray([.. bot.Roles.Select(r => JsonValue.Create(r))]),
            ["agent"] = agent,
        }));
        var (token, expires, records) = PrepareJoinToken(bot.Metadata.Name, labels ?? new Dictionary<string, string>(), agent, lifetime, actor);
        var write = await store.CompareAndSwapWithAsync(ResourceJson.StoreKey(ResourceKinds.Bot, bot.Metadata.Name), Revision.Absent, ResourceJson.Serialize(bot), null, [created, .. records], cancellationToken).ConfigureAwait(false);
        if (!write.Succeeded)
        {
            return ChangeResult<JoinToken>.Refused(StatusCodes.Status409Conflict, $"bot '{bot.Metadata.Name}' already exists; `postern bots token {bot.Metadata.Name}` makes another join token for it");
        }

        await cluster.WaitForRevisionAsync(write.Revision, cancellationToken).ConfigureAwait(false);
        return ChangeResult<JoinToken>.Done(new JoinToken(bot.Metadata.Name, token, expires));
    }

    /// <summary>
    /// Another join token for an existing bot: for a second agent, or one that lost its data folder. An agent's when
    /// <paramref name="agent"/>, a script's otherwise.
    /// </summary>
    public async Task<ChangeResult<JoinToken>> AddJoinTokenAsync(string name, IReadOnlyDictionary<string, string>? labels, bool agent, string? ttl, AuditActor actor, CancellationToken cancellationToken)
    {
        if (cluster.FindBot(name) is null)
        {
            return ChangeResult<JoinToken>.Refused(StatusCodes.Status404NotFound, $"bot '{name}' does not exist (add it with `postern bots add {name} --roles ROLES`)");
        }

        var problems = new List<string>();
        var lifetime = CheckJoinToken(ttl, labels, problems);
        if (problems.Count > 0)
        {
            return ChangeResult<JoinToken>.Refused(StatusCodes.Status400BadRequest, $"cannot make a join token for bot '{name}'", problems);
        }

        var (token, expires, records) = PrepareJoinToken(name, labels ?? new Dictionary<string, string>(), agent, lifetime, actor);
        await store.PutBatchAsync(records, cancellationToken).ConfigureAwait(false);
        return ChangeResult<JoinToken>.Done(new JoinToken(name, token, expires));
    }

    /// <summary>A join token, and what to write for it in one transaction: its record and its event.</summary>
    private (string Token, DateTimeOffset Expires, BatchPut[] Records) PrepareJoinToken(string name, IReadOnlyDictionary<string, string> labels, bool agent, TimeSpan lifetime, AuditActor actor)
    {
        var (token, expires, record) = authority.PrepareJoinToken(name, labels, agent, lifetime);
        var (recorded, _) = audit.Prepare(AuditEventTypes.BotJoinTokenCreate, actor.Stamp(new JsonObject
        {
            ["bot"] = name,
            ["labels"] = JsonSerializer.SerializeToNode(labels),
            ["agent"] = agent,
            ["expires"] = expires.ToString("O"),
        }));
        return (token, expires, [record, recorded]);
    }

    /// <summary>Removes a bot with its credentials and join tokens, and records a <c>resource.delete</c> event.</summary>
    public async Task<ChangeResult<bool>> RemoveAsync(string name, AuditActor actor, CancellationToken cancellationToken)
    {
        // A bot's credentials and join tokens go before the bot and again after it (for those made meanwhile): a crash
        // between the two steps must not leave them for a bot added again under the same name.
        var (credentials, joinTokens) = await authority.RevokeAllAsync(name, cancellationToken).ConfigureAwait(false);
        var fields = new JsonObject { ["kind"] = ResourceKinds.Bot, ["name"] = name, ["credentials_revoked"] = credentials, ["join_tokens_revoked"] = joinTokens };
        if (!await writes.DeleteAsync(ResourceJson.StoreKey(ResourceKinds.Bot, name), AuditEventTypes.ResourceDelete, fields, actor, cancellationToken).ConfigureAwait(false))
        {
            return ChangeResult<bool>.Refused(StatusCodes.Status404NotFound, $"{ResourceKinds.Bot} '{name}' not found");
        }

        // Those made between the first revocation and the delete; a bot that no longer exists can use none of them.
        await authority.RevokeAllAsync(name, cancellationToken).ConfigureAwait(false);
        await cluster.WaitForRevisionAsync(await store.CurrentRevisionAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return ChangeResult<bool>.Done(true);
    }

    /// <summary>The lifetime a join token asks for (the default when none), adding to <paramref name="problems"/> what is wrong.</summary>
    private static TimeSpan CheckJoinToken(string? ttl, IReadOnlyDictionary<string, string>? labels, List<string> problems)
    {
        var lifetime = BotAuthority.DefaultJoinTokenLifetime;
        if (ttl is { Length: > 0 })
        {
            if (!Durations.TryParse(ttl, out lifetime, out var reason))
            {
                problems.Add($"ttl: {reason}");
            }
            else if (lifetime < TimeSpan.FromMinutes(1) || lifetime > TimeSpan.FromDays(7))
            {
                problems.Add($"ttl: '{ttl}' is out of range (1m to 7d)");
            }
        }

        foreach (var (key, value) in labels ?? new Dictionary<string, string>())
        {
            if (!UserRules.IsTraitName(key) || value.Any(char.IsControl))
            {
                problems.Add($"labels: '{key}' is not a valid label");
            }
        }

        return lifetime;
    }

    /// <summary>A join token made for a bot.</summary>
    internal sealed record JoinToken(string Bot, string Token, DateTimeOffset Expires);
}
