using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Postern.Audit;
using Postern.Identity;
using Postern.Resources;
using Postern.Server.AppAccess;
using Postern.Server.Sessions;
using Postern.Server.State;
using Postern.Server.Web;
using Postern.Storage;

namespace Postern.Server.Admin;

/// <summary>
/// The admin API behind the admin commands, under <c>/v1/admin/</c>, for the holder of the admin
/// credential. Every write waits until this instance's cached state has seen it, so that the next
/// command (or request) observes it.
/// </summary>
internal static partial class AdminEndpoints
{
    /// <summary>How long a sign-up link printed by <c>users add</c> stays valid.</summary>
    public static readonly TimeSpan SignupLifetime = TimeSpan.FromHours(1);

    public static void MapAdmin(this IEndpointRouteBuilder app, AdminCredential credential)
    {
        var admin = app.MapGroup("/v1/admin").AddEndpointFilter(async (context, next) =>
        {
            var header = context.HttpContext.Request.Headers.Authorization.ToString();
            return header.StartsWith("Bearer ", StringComparison.Ordinal) && credential.Matches(header["Bearer ".Length..])
                ? await next(context).ConfigureAwait(false)
                : Error(StatusCodes.Status401Unauthorized, "the admin credential is missing or wrong (it is in data_dir/admin.json)");
        });

        admin.MapGet("/users", ListUsers);
        admin.MapPost("/users", AddUserAsync);
        admin.MapPut("/users/{name}", UpdateUserAsync);
        admin.MapDelete("/users/{name}", RemoveUserAsync);
        admin.MapPost("/users/{name}/totp/reset", ResetTotpAsync);
        admin.MapPost("/resources", CreateResourcesAsync);
        admin.MapGet("/resources/{kind}", GetResources);
        admin.MapGet("/resources/{kind}/{name}", GetResource);
        admin.MapDelete("/resources/{kind}/{name}", RemoveResourceAsync);
        admin.MapPost("/locks", LockAsync);
        admin.MapDelete("/locks/{kind}/{name}", UnlockAsync);
        admin.MapGet("/locks", ListLocks);
        admin.MapGet("/audit", SearchAuditAsync);
        admin.MapPost("/bots", AddBotAsync);
        admin.MapPost("/bots/{name}/tokens", AddJoinTokenAsync);
        admin.MapGet("/bots", ListBots);
        admin.MapGet("/authorities", ListAuthorities);
        admin.MapPost("/authorities/{type}/rotate", RotateAsync);
    }

    internal static IResult Error(int status, string message, IEnumerable<string>? details = null) =>
        Results.Json(new { error = message, details = details?.ToArray() }, statusCode: status);

    private static IResult ListUsers(ClusterState cluster) =>
        Results.Json(cluster.Users.Select(u => new UserSummary(u.Name, u.Roles, u.Traits, u.CreatedAt, u.PasswordHash is not null, u.HasTotp, u.RequireTotp)));

    private static async Task<IResult> AddUserAsync(AddUserRequest request, UserDirectory users, ClusterState cluster, IBackend store, AuditLog audit, AppAccessSettings settings, TimeProvider time, CancellationToken cancellationToken)
    {
        var problems = CheckUser(request.Name, request.Roles, request.Traits, cluster).ToList();
        if (request.Password is { } password && Passwords.CheckStrength(password) is { } weak)
        {
            problems.Add($"password: {weak}");
        }

        if (problems.Count > 0)
        {
            return Error(StatusCodes.Status400BadRequest, $"cannot add user '{request.Name}'", problems);
        }

        var user = new User
        {
            Name = request.Name!,
            Roles = request.Roles!,
            Traits = request.Traits ?? new Dictionary<string, IReadOnlyList<string>>(),
            PasswordHash = request.Password is null ? null : Passwords.Hash(request.Password),
            RequireTotp = request.RequireTotp ?? false,
            CreatedAt = time.GetUtcNow(),
        };
        var write = await users.WriteAsync(user, Revision.Absent, cancellationToken).ConfigureAwait(false);
        if (!write.Succeeded)
        {
            return Error(StatusCodes.Status409Conflict, $"user '{user.Name}' already exists");
        }

        await audit.AppendAsync(AuditEventTypes.UserCreate, new JsonObject { ["user"] = user.Name, ["roles"] = new JsonArray([.. user.Roles.Select(r => JsonValue.Create(r))]) }, cancellationToken).ConfigureAwait(false);
        string? signupUrl = null;
        DateTimeOffset? signupExpires = null;
        var revision = write.Revision;
        if (request.Password is null)
        {
            var token = SessionKeys.NewToken();
            signupExpires = time.GetUtcNow() + SignupLifetime;
            revision = await store.PutAsync(SessionKeys.SignupPrefix + SessionKeys.Hash(token), StoreJson.Serialize(new SignupToken(user.Name, signupExpires.Value)), signupExpires, cancellationToken).ConfigureAwait(false);
            signupUrl = settings.PublicAddr.Combine("/web/signup?token=" + token);
        }

        await cluster.WaitForRevisionAsync(revision, cancellationToken).ConfigureAwait(false);
        return Results.Json(new { name = user.Name, signup_url = signupUrl, signup_expires = signupExpires }, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> UpdateUserAsync(string name, UpdateUserRequest request, UserDirectory users, ClusterState cluster, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if (await users.GetAsync(name, cancellationToken).ConfigureAwait(false) is not { } found)
            {
                return Error(StatusCodes.Status404NotFound, $"user '{name}' not found");
            }

            var updated = found.User with { Roles = request.Roles ?? found.User.Roles, Traits = request.Traits ?? found.User.Traits, RequireTotp = request.RequireTotp ?? found.User.RequireTotp };
            var problems = CheckUser(updated.Name, updated.Roles, updated.Traits, cluster).ToList();
            if (problems.Count > 0)
            {
                return Error(StatusCodes.Status400BadRequest, $"cannot update user '{name}'", problems);
            }

            var write = await users.WriteAsync(updated, found.Revision, cancellationToken).ConfigureAwait(false);
            if (write.Succeeded)
            {
                await cluster.WaitForRevisionAsync(write.Revision, cancellationToken).ConfigureAwait(false);
                return Results.Json(new { name, roles = updated.Roles, traits = updated.Traits, require_totp = updated.RequireTotp });
            }
        }

        return Error(StatusCodes.Status409Conflict, $"user '{name}' is being changed by someone else; try again");
    }

    private static async Task<IResult> RemoveUserAsync(string name, UserDirectory users, SessionStore sessions, AppSessions appSessions, ClusterState cluster, IBackend store, AuditLog audit, CancellationToken cancellationToken)
    {
        if (!await users.DeleteAsync(name, cancellationToken).ConfigureAwait(false))
        {
            return Error(StatusCodes.Status404NotFound, $"user '{name}' not found");
        }

        appSessions.Forget(name);
        var ended = await sessions.EndSessionsOfAsync(name, cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(AuditEventTypes.UserDelete, new JsonObject { ["user"] = name, ["sessions_ended"] = ended }, cancellationToken).ConfigureAwait(false);
        await cluster.WaitForRevisionAsync(await store.CurrentRevisionAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return Results.Json(new { name, sessions_ended = ended });
    }

    private static async Task<IResult> AddBotAsync(AddBotRequest request, IBackend store, ClusterState cluster, WorkloadIdentity.BotAuthority bots, AuditLog audit, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (string.IsNullOrEmpty(request.Name) || !Configuration.AppConfigReader.AppNamePattern().IsMatch(request.Name))
        {
            problems.Add($"name: '{request.Name}' is not a valid bot name (lowercase letters, digits and '-', at most 63 characters)");
        }

        if (request.Roles is null || request.Roles.Count == 0)
        {
            problems.Add("roles: at least one role is required");
        }
        else
        {
            problems.AddRange(request.Roles.Where(r => cluster.FindRole(r) is null).Select(r => $"roles: role '{r}' does not exist"));
        }

        var lifetime = CheckJoinToken(request.Ttl, request.Labels, problems);
        if (problems.Count > 0)
        {
            return Error(StatusCodes.Status400BadRequest, $"cannot add bot '{request.Name}'", problems);
        }

        var bot = new BotResource { Metadata = new ResourceMetadata { Name = request.Name! }, Roles = request.Roles! };
        var write = await store.CompareAndSwapAsync(ResourceJson.StoreKey(ResourceKinds.Bot, bot.Metadata.Name), Revision.Absent, ResourceJson.Serialize(bot), null, cancellationToken).ConfigureAwait(false);
        if (!write.Succeeded)
        {
            return Error(StatusCodes.Status409Conflict, $"bot '{bot.Metadata.Name}' already exists; `postern bots token {bot.Metadata.Name}` makes another join token for it");
        }

        await cluster.WaitForRevisionAsync(write.Revision, cancellationToken).ConfigureAwait(false);
        var (token, expires) = await bots.CreateJoinTokenAsync(bot.Metadata.Name, request.Labels ?? new Dictionary<string, string>(), lifetime, cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(AuditEventTypes.BotCreate, new JsonObject
        {
            ["bot"] = bot.Metadata.Name,
            ["roles"] = new JsonArray([.. bot.Roles.Select(r => JsonValue.Create(r))]),
            ["join_token_expires"] = expires.ToString("O"),
        }, cancellationToken).ConfigureAwait(false);
        return Results.Json(new { name = bot.Metadata.Name, token, expires }, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>Another join token for an existing bot: for a second agent, or one that lost its data folder.</summary>
    private static async Task<IResult> AddJoinTokenAsync(string name, JoinTokenRequest? request, ClusterState cluster, WorkloadIdentity.BotAuthority bots, AuditLog audit, CancellationToken cancellationToken)
    {
        if (cluster.FindBot(name) is null)
        {
            return Error(StatusCodes.Status404NotFound, $"bot '{name}' does not exist (add it with `postern bots add {name} --roles ROLES`)");
        }

        var problems = new List<string>();
        var lifetime = CheckJoinToken(request?.Ttl, request?.Labels, problems);
        if (problems.Count > 0)
        {
            return Error(StatusCodes.Status400BadRequest, $"cannot make a join token for bot '{name}'", problems);
        }

        var labels = request?.Labels ?? new Dictionary<string, string>();
        var (token, expires) = await bots.CreateJoinTokenAsync(name, labels, lifetime, cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(AuditEventTypes.BotJoinTokenCreate, new JsonObject
        {
            ["bot"] = name,
            ["labels"] = JsonSerializer.SerializeToNode(labels),
            ["expires"] = expires.ToString("O"),
        }, cancellationToken).ConfigureAwait(false);
        return Results.Json(new { name, token, expires }, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>The lifetime a join token asks for (the default when none), adding to <paramref name="problems"/> what is wrong.</summary>
    private static TimeSpan CheckJoinToken(string? ttl, IReadOnlyDictionary<string, string>? labels, List<string> problems)
    {
        var lifetime = WorkloadIdentity.BotAuthority.DefaultJoinTokenLifetime;
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
            if (!TraitNamePattern().IsMatch(key) || value.Any(char.IsControl))
            {
                problems.Add($"labels: '{key}' is not a valid label");
            }
        }

        return lifetime;
    }

    private static IResult ListBots(ClusterState cluster) =>
        Results.Json(cluster.Bots.Select(b => new { name = b.Metadata.Name, roles = b.Roles, locked = cluster.FindLock("bot/" + b.Metadata.Name) is not null }));

    private static IEnumerable<string> CheckUser(string? name, IReadOnlyList<string>? roles, IReadOnlyDictionary<string, IReadOnlyList<string>>? traits, ClusterState cluster)
    {
        if (string.IsNullOrEmpty(name) || !UserNamePattern().IsMatch(name))
        {
            yield return $"name: '{name}' is not a valid user name (lowercase letters, digits, '@', '.', '_' and '-', at most 128 characters)";
        }

        if (roles is null || roles.Count == 0)
        {
            yield return "roles: at least one role is required";
        }
        else
        {
            foreach (var role in roles.Where(r => cluster.FindRole(r) is null))
            {
                yield return $"roles: role '{role}' does not exist";
            }
        }

        foreach (var (key, values) in traits ?? new Dictionary<string, IReadOnlyList<string>>())
        {
            if (!TraitNamePattern().IsMatch(key))
            {
                yield return $"traits: '{key}' is not a valid trait name";
            }
            else if (values.Any(v => v.Any(char.IsControl)))
            {
                yield return $"traits.{key}: a value holds a control character";
            }
        }
    }

    private static async Task<IResult> CreateResourcesAsync(HttpContext context, IBackend store, ClusterState cluster, UserDirectory users, Sso.ConnectorSecrets secrets, AuditLog audit, CancellationToken cancellationToken)
    {
        string text;
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
        {
            text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }

        var source = context.Request.Query["source"].ToString() is { Length: > 0 } named ? named : "request";
        var parsed = ResourceYaml.Parse(text, source);
        if (parsed.Errors.Count > 0)
        {
            return Error(StatusCodes.Status400BadRequest, $"{source} is not valid", parsed.Errors);
        }

        // A connector whose client secret this server cannot read would fail every sign-in: refuse it now.
        var unreadable = parsed.Resources.OfType<OidcConnectorResource>()
            .Select(r => secrets.TryRead(r.Connector, out _, out var problem) ? null : $"oidc '{r.Connector.Name}': spec.client_secret: {problem}")
            .OfType<string>()
            .ToList();
        if (unreadable.Count > 0)
        {
            return Error(StatusCodes.Status400BadRequest, $"{source} is not valid", unreadable);
        }

        var conflicts = parsed.Resources.OfType<AppResource>()
            .Where(a => cluster.FindAppByHost(HostOf(a.App.PublicAddr)) is { } other && other.Name != a.App.Name)
            .Select(a => $"app '{a.App.Name}': public_addr '{a.App.PublicAddr}' is already used by app '{cluster.FindAppByHost(HostOf(a.App.PublicAddr))!.Name}'")
            .Concat(parsed.Resources.OfType<AppResource>().Where(a => cluster.FindApp(a.App.Name)?.FromConfig == true)
                .Select(a => $"app '{a.App.Name}' is defined in postern.yaml and cannot be replaced by a resource"))
            .ToList();
        if (conflicts.Count > 0)
        {
            return Error(StatusCodes.Status409Conflict, "some resources conflict with existing ones", conflicts);
        }

        var written = new List<string>();
        long revision = 0;
        foreach (var resource in parsed.Resources)
        {
            var key = ResourceJson.StoreKey(resource.Kind, resource.Metadata.Name);
            if (resource is UserResource user)
            {
                // A user created from a file keeps the password and second factor it already has.
                var existing = await users.GetAsync(user.User.Name, cancellationToken).ConfigureAwait(false);
                var merged = existing is { } found
                    ? user.User with
                    {
                        PasswordHash = found.User.PasswordHash,
                        TotpSecret = found.User.TotpSecret,
                        LegacyTotpSecret = found.User.LegacyTotpSecret,
                        RecoveryCodeHashes = found.User.RecoveryCodeHashes,
                        CreatedAt = found.User.CreatedAt,
                        ExternalTraits = found.User.ExternalTraits,
                        Connector = found.User.Connector,
                    }
                    : user.User;
                var write = await users.WriteAsync(merged, existing?.Revision ?? Revision.Absent, cancellationToken).ConfigureAwait(false);
                if (!write.Succeeded)
                {
                    return Error(StatusCodes.Status409Conflict, $"user '{user.User.Name}' changed while it was written; try again");
                }

                revision = write.Revision;
            }
            else
            {
                revision = await store.PutAsync(key, ResourceJson.Serialize(resource), null, cancellationToken).ConfigureAwait(false);
            }

            written.Add($"{resource.Kind}/{resource.Metadata.Name}");
            await audit.AppendAsync(AuditEventTypes.ResourceCreate, new JsonObject { ["kind"] = resource.Kind, ["name"] = resource.Metadata.Name }, cancellationToken).ConfigureAwait(false);
        }

        await cluster.WaitForRevisionAsync(revision, cancellationToken).ConfigureAwait(false);
        return Results.Json(new { written });
    }

    private static async Task<IResult> GetResources(string kind, IBackend store, CancellationToken cancellationToken)
    {
        if (!ResourceKinds.All.Contains(kind))
        {
            return Error(StatusCodes.Status400BadRequest, $"unknown kind '{kind}' (expected one of: {string.Join(", ", ResourceKinds.All)})");
        }

        var items = await store.RangeAsync(ResourceJson.Prefix(kind), cancellationToken).ConfigureAwait(false);
        var resources = items.Select(item => ResourceJson.Deserialize(kind, item.Value.Span)).OfType<Resource>();
        return Results.Text(string.Join("---\n", resources.Select(ResourceYaml.Render)), "application/yaml");
    }

    private static async Task<IResult> GetResource(string kind, string name, IBackend store, CancellationToken cancellationToken)
    {
        if (!ResourceKinds.All.Contains(kind))
        {
            return Error(StatusCodes.Status400BadRequest, $"unknown kind '{kind}' (expected one of: {string.Join(", ", ResourceKinds.All)})");
        }

        var item = await store.GetAsync(ResourceJson.StoreKey(kind, name), cancellationToken).ConfigureAwait(false);
        return item is not null && ResourceJson.Deserialize(kind, item.Value.Span) is { } found
            ? Results.Text(ResourceYaml.Render(found), "application/yaml")
            : Error(StatusCodes.Status404NotFound, $"{kind} '{name}' not found");
    }

    private static async Task<IResult> RemoveResourceAsync(string kind, string name, IBackend store, ClusterState cluster, UserDirectory users, SessionStore sessions, AppSessions appSessions, WorkloadIdentity.BotAuthority bots, AuditLog audit, CancellationToken cancellationToken)
    {
        if (kind == "user")
        {
            return await RemoveUserAsync(name, users, sessions, appSessions, cluster, store, audit, cancellationToken).ConfigureAwait(false);
        }

        if (kind == "app" && cluster.FindApp(name)?.FromConfig == true)
        {
            return Error(StatusCodes.Status409Conflict, $"app '{name}' is defined in postern.yaml; remove it there");
        }

        // A bot's credentials and join tokens go before the bot and again after it (for those made meanwhile): a crash
        // between the two steps must not leave them for a bot added again under the same name.
        var (credentials, joinTokens) = kind == ResourceKinds.Bot ? await bots.RevokeAllAsync(name, cancellationToken).ConfigureAwait(false) : default;
        if (!await store.DeleteAsync(ResourceJson.StoreKey(kind, name), cancellationToken).ConfigureAwait(false))
        {
            return Error(StatusCodes.Status404NotFound, $"{kind} '{name}' not found");
        }

        var deleted = new JsonObject { ["kind"] = kind, ["name"] = name };
        if (kind == ResourceKinds.Bot)
        {
            var (moreCredentials, moreJoinTokens) = await bots.RevokeAllAsync(name, cancellationToken).ConfigureAwait(false);
            deleted["credentials_revoked"] = credentials + moreCredentials;
            deleted["join_tokens_revoked"] = joinTokens + moreJoinTokens;
        }

        await audit.AppendAsync(AuditEventTypes.ResourceDelete, deleted, cancellationToken).ConfigureAwait(false);
        await cluster.WaitForRevisionAsync(await store.CurrentRevisionAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return Results.NoContent();
    }

    private static async Task<IResult> LockAsync(LockRequest request, IBackend store, ClusterState cluster, SessionStore sessions, AppSessions appSessions, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var target = request.Target ?? "";
        var slash = target.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || target[..slash] is not ("user" or "bot") || target.Length == slash + 1)
        {
            return Error(StatusCodes.Status400BadRequest, $"'{target}' is not a lock target (expected user/NAME or bot/NAME)");
        }

        TimeSpan? ttl = null;
        if (request.Ttl is { Length: > 0 } ttlText)
        {
            if (!Durations.TryParse(ttlText, out var parsed, out var reason))
            {
                return Error(StatusCodes.Status400BadRequest, $"ttl: {reason}");
            }

            ttl = parsed;
        }

        var now = time.GetUtcNow();
        var record = new LockRecord(target, now, now + ttl, request.Message);
        var revision = await store.PutAsync(LockRecord.StoreKey(target), StoreJson.Serialize(record), record.Expires, cancellationToken).ConfigureAwait(false);
        var name = target[(slash + 1)..];
        var ended = 0;
        if (target.StartsWith("user/", StringComparison.Ordinal))
        {
            appSessions.Forget(name);
            ended = await sessions.EndSessionsOfAsync(name, cancellationToken).ConfigureAwait(false);
        }

        await audit.AppendAsync(AuditEventTypes.LockCreate, new JsonObject { ["target"] = target, ["expires"] = record.Expires?.ToString("O"), ["sessions_ended"] = ended }, cancellationToken).ConfigureAwait(false);
        await cluster.WaitForRevisionAsync(revision, cancellationToken).ConfigureAwait(false);
        return Results.Json(new { target, expires = record.Expires, sessions_ended = ended }, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> UnlockAsync(string kind, string name, IBackend store, ClusterState cluster, CancellationToken cancellationToken)
    {
        if (!await store.DeleteAsync(LockRecord.StoreKey($"{kind}/{name}"), cancellationToken).ConfigureAwait(false))
        {
            return Error(StatusCodes.Status404NotFound, $"{kind}/{name} is not locked");
        }

        await cluster.WaitForRevisionAsync(await store.CurrentRevisionAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return Results.NoContent();
    }

    private static IResult ListLocks(ClusterState cluster) => Results.Json(cluster.Locks);

    private static async Task SearchAuditAsync(HttpContext context, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        DateTimeOffset? since = null;
        if (query["since"].ToString() is { Length: > 0 } sinceText)
        {
            if (!Durations.TryParse(sinceText, out var ago, out var reason))
            {
                await Error(StatusCodes.Status400BadRequest, $"since: {reason}").ExecuteAsync(context).ConfigureAwait(false);
                return;
            }

            since = time.GetUtcNow() - ago;
        }

        var limit = int.TryParse(query["limit"], out var parsedLimit) && parsedLimit > 0 ? parsedLimit : 1000;
        var events = await audit.SearchAsync(new AuditQuery { Type = query["type"].ToString() is { Length: > 0 } type ? type : null, Since = since, Limit = limit }, cancellationToken).ConfigureAwait(false);
        context.Response.ContentType = "application/x-ndjson";
        foreach (var e in events)
        {
            await context.Response.WriteAsync(e.ToJsonLine() + "\n", cancellationToken).ConfigureAwait(false);
        }
    }

    private static string HostOf(string publicAddr)
    {
        var colon = publicAddr.LastIndexOf(':');
        return colon < 0 ? publicAddr : publicAddr[..colon];
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9@._-]{0,127}$")]
    private static partial Regex UserNamePattern();

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex TraitNamePattern();

    internal sealed record AddUserRequest(string? Name, IReadOnlyList<string>? Roles, IReadOnlyDictionary<string, IReadOnlyList<string>>? Traits, string? Password, bool? RequireTotp = null);

    internal sealed record UpdateUserRequest(IReadOnlyList<string>? Roles, IReadOnlyDictionary<string, IReadOnlyList<string>>? Traits, bool? RequireTotp = null);

    internal sealed record AddBotRequest(string? Name, IReadOnlyList<string>? Roles, IReadOnlyDictionary<string, string>? Labels, string? Ttl);

    internal sealed record JoinTokenRequest(IReadOnlyDictionary<string, string>? Labels, string? Ttl);

    internal sealed record LockRequest(string? Target, string? Ttl, string? Message);

    internal sealed record UserSummary(string Name, IReadOnlyList<string> Roles, IReadOnlyDictionary<string, IReadOnlyList<string>> Traits, DateTimeOffset CreatedAt, bool HasPassword, bool HasTotp, bool RequireTotp);
}
