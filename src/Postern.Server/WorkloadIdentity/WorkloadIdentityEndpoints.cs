using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Postern.Identity;
using Postern.Server.State;
using Postern.Server.Web;
using Postern.WorkloadIdentity;
using Postern.Server.Sessions;

namespace Postern.Server.WorkloadIdentity;

/// <summary>
/// The workload identity API on the web address: bots join and renew their credential, and bots (through an
/// agent, with the workload's attested attributes) or signed-in users ask for JWT-SVIDs.
/// </summary>
internal static class WorkloadIdentityEndpoints
{
    /// <summary>The largest request body read, in bytes.</summary>
    private const int MaxBody = 64 * 1024;

    public static void MapWorkloadIdentity(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/bots/join", JoinAsync);
        app.MapPost("/v1/bots/renew", RenewAsync);
        app.MapPost("/v1/workload-identity/jwt-svids", IssueAsync);
        app.MapGet("/v1/workload-identity/policy", PolicyAsync);
    }

    private static async Task<IResult> JoinAsync(HttpContext context, BotAuthority bots)
    {
        var (body, refusal) = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            return refusal!;
        }

        using (body)
        {
            if (Unknown(body.RootElement, "token") is { } unknown)
            {
                return Error(StatusCodes.Status400BadRequest, unknown);
            }

            var token = body.RootElement.TryGetProperty("token", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            if (string.IsNullOrEmpty(token))
            {
                return Error(StatusCodes.Status400BadRequest, "token: the join token is required");
            }

            var (grant, error) = await bots.JoinAsync(token, context.Connection.RemoteIpAddress?.ToString() ?? "", context.RequestAborted).ConfigureAwait(false);
            return grant is null ? Error(StatusCodes.Status401Unauthorized, error!) : Grant(grant);
        }
    }

    private static async Task<IResult> RenewAsync(HttpContext context, BotAuthority bots)
    {
        var authenticated = await bots.AuthenticateAsync(context).ConfigureAwait(false);
        if (authenticated.Bot is null)
        {
            return Error(authenticated.Status, authenticated.Error!);
        }

        return await bots.RenewAsync(authenticated, context.RequestAborted).ConfigureAwait(false) is { } grant
            ? Grant(grant)
            : Error(StatusCodes.Status403Forbidden, $"bot '{authenticated.Bot.Bot}' no longer exists");
    }

    private static async Task<IResult> PolicyAsync(HttpContext context, BotAuthority bots, ClusterState cluster)
    {
        var authenticated = await bots.AuthenticateAsync(context).ConfigureAwait(false);
        return authenticated.Bot is null
            ? Error(authenticated.Status, authenticated.Error!)
            : Results.Json(new { revision = cluster.Version });
    }

    private static async Task<IResult> IssueAsync(HttpContext context, BotAuthority bots, WebSessionCookie cookie, ClusterState cluster, JwtSvidIssuer issuer, WebSettings settings)
    {
        WorkloadCaller? caller;
        AccessChecker checker;
        if (context.Request.Headers.Authorization.Count > 0)
        {
            var authenticated = await bots.AuthenticateAsync(context).ConfigureAwait(false);
            if (authenticated.Bot is not { } bot)
            {
                return Error(authenticated.Status, authenticated.Error!);
            }

            caller = new WorkloadCaller { Kind = WorkloadCallerKind.Bot, Name = bot.Bot, JoinLabels = bot.Labels };
            checker = cluster.BotAccess(bot.Bot);
        }
        else
        {
            if (CrossSite.Reason(context, settings) is { } crossSite)
            {
                return Error(StatusCodes.Status403Forbidden, crossSite);
            }

            if (await cookie.FindAsync(context).ConfigureAwait(false) is not { } signedIn)
            {
                return Error(StatusCodes.Status401Unauthorized, "sign in first (POST /v1/login), or present a bot credential");
            }

            caller = new WorkloadCaller { Kind = WorkloadCallerKind.User, Name = signedIn.User.Name, Traits = signedIn.User.Traits };
            checker = AccessChecker.Create(signedIn.User, cluster.RolesOf(signedIn.User));
        }

        var (body, refusal) = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            return refusal!;
        }

        SvidRequest request;
        using (body)
        {
            var (parsed, unix, problem) = ReadRequest(body.RootElement);
            if (problem is not null)
            {
                return Error(StatusCodes.Status400BadRequest, problem);
            }

            if (unix is not null && caller.Kind == WorkloadCallerKind.User)
            {
                return Error(StatusCodes.Status400BadRequest, "workload: attested workload attributes come only from an agent's bot credential");
            }

            request = parsed!;
            caller = caller with { Unix = unix };
        }

        if (issuer.Check(request) is { } invalid)
        {
            return Error(StatusCodes.Status400BadRequest, invalid);
        }

        var issuance = await issuer.IssueAsync(caller, checker, request, context.RequestAborted).ConfigureAwait(false);
        if (issuance.Svids.Count == 0)
        {
            return Results.Json(new { error = $"no workload identity may be issued to {caller.Target}", details = issuance.Reasons }, statusCode: StatusCodes.Status403Forbidden);
        }

        context.Response.Headers.CacheControl = "no-store";
        return Results.Json(new
        {
            svids = issuance.Svids.Select(s => new
            {
                spiffe_id = s.SpiffeId,
                jwt_svid = s.JwtSvid,
                expires = s.Expires,
                jti = s.Jti,
                workload_identity = s.WorkloadIdentity,
                hint = s.Hint,
            }),
        });
    }

    private static (SvidRequest? Request, UnixAttributes? Unix, string? Problem) ReadRequest(JsonElement root)
    {
        if (Unknown(root, "audiences", "ttl", "spiffe_id", "workload") is { } unknown)
        {
            return (null, null, unknown);
        }

        var audiences = new List<string>();
        if (!root.TryGetProperty("audiences", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return (null, null, "audiences: required, a list of strings");
        }

        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                return (null, null, "audiences: every audience must be a string");
            }

            audiences.Add(item.GetString()!);
        }

        TimeSpan? ttl = null;
        if (root.TryGetProperty("ttl", out var ttlElement) && ttlElement.ValueKind != JsonValueKind.Null)
        {
            if (ttlElement.ValueKind != JsonValueKind.String)
            {
                return (null, null, "ttl: expected a duration such as \"5m\"");
            }

            if (!Durations.TryParse(ttlElement.GetString()!, out var parsed, out var reason))
            {
                return (null, null, $"ttl: {reason}");
            }

            ttl = parsed;
        }

        string? spiffeId = null;
        if (root.TryGetProperty("spiffe_id", out var idElement) && idElement.ValueKind != JsonValueKind.Null)
        {
            if (idElement.ValueKind != JsonValueKind.String)
            {
                return (null, null, "spiffe_id: expected a string");
            }

            spiffeId = idElement.GetString();
        }

        UnixAttributes? unix = null;
        if (root.TryGetProperty("workload", out var workload) && workload.ValueKind != JsonValueKind.Null)
        {
            if (workload.ValueKind != JsonValueKind.Object || Unknown(workload, "unix") is not null
                || !workload.TryGetProperty("unix", out var u) || u.ValueKind != JsonValueKind.Object || Unknown(u, "uid", "gid", "pid", "exe") is not null)
            {
                return (null, null, "workload: expected {\"unix\":{\"uid\":…,\"gid\":…,\"pid\":…,\"exe\":…}}");
            }

            if (!u.TryGetProperty("uid", out var uid) || !uid.TryGetInt64(out var uidValue) || uidValue < 0
                || !u.TryGetProperty("gid", out var gid) || !gid.TryGetInt64(out var gidValue) || gidValue < 0)
            {
                return (null, null, "workload.unix: uid and gid are required non-negative integers");
            }

            long? pid = u.TryGetProperty("pid", out var pidElement) && pidElement.TryGetInt64(out var pidValue) ? pidValue : null;
            var exe = u.TryGetProperty("exe", out var exeElement) && exeElement.ValueKind == JsonValueKind.String ? exeElement.GetString() : null;
            unix = new UnixAttributes(uidValue, gidValue, pid, exe);
        }

        return (new SvidRequest(audiences, ttl, spiffeId), unix, null);
    }

    private static string? Unknown(JsonElement element, params string[] known)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name))
            {
                return $"unknown field '{property.Name}' (expected: {string.Join(", ", known)})";
            }
        }

        return null;
    }

    /// <summary>The request's body as a JSON object, or the answer that refuses it: too large, or not a JSON object.</summary>
    private static async Task<(JsonDocument? Body, IResult? Refusal)> ReadBodyAsync(HttpContext context)
    {
        if (context.Request.ContentLength > MaxBody)
        {
            return (null, TooLarge());
        }

        // Read as it comes and stop once more than MaxBody bytes are in: a body sent without a length is refused as early.
        var reader = context.Request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
            var buffer = read.Buffer;
            if (buffer.Length > MaxBody)
            {
                reader.AdvanceTo(buffer.End);
                return (null, TooLarge());
            }

            if (!read.IsCompleted)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }

            try
            {
                // A copy: a document parsed from the pipe's own memory would point into buffers reused after AdvanceTo.
                var document = JsonDocument.Parse(buffer.ToArray());
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    return (document, null);
                }

                document.Dispose();
            }
            catch (JsonException)
            {
            }
            finally
            {
                reader.AdvanceTo(buffer.End);
            }

            return (null, Error(StatusCodes.Status400BadRequest, "the request body is not a JSON object"));
        }
    }

    private static IResult TooLarge() => Error(StatusCodes.Status413PayloadTooLarge, $"the request body is over {MaxBody / 1024} KiB");

    private static IResult Grant(BotCredentialGrant grant) => Results.Json(
        new { bot = grant.Bot, credential = grant.Credential, expires = grant.Expires, trust_domain = grant.TrustDomain },
        statusCode: StatusCodes.Status200OK);

    private static IResult Error(int status, string message) => Results.Json(new { error = message }, statusCode: status);
}
