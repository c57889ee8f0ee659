using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Postern.Admin.Api;
using Postern.Audit;
using System.Text.Json.Nodes;
using Postern.Identity;
using Postern.Server.State;

namespace Postern.Server.Admin;

/// <summary>
/// The admin API behind the admin commands, under <c>/v1/admin/</c>, for the holder of the admin
/// credential. Every write waits until this instance's cached state has seen it, so that the next
/// command (or request) observes it. The rules are the services' (users, bots, locks, resources); these
/// endpoints, split by area, only read requests and write answers, both in the records of
/// <see cref="Postern.Admin.Api"/> through <see cref="AdminApiJsonContext"/>.
/// </summary>
internal static partial class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder app)
    {
        var callers = app.ServiceProvider.GetRequiredService<AdminCallers>();
        var audit = app.ServiceProvider.GetRequiredService<AuditLog>();
        var admin = app.MapGroup("/v1/admin").AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (await callers.FindAsync(http).ConfigureAwait(false) is not { } caller)
            {
                return Error(StatusCodes.Status401Unauthorized, "the admin credential is missing, wrong or ended: run `postern login`, or on the server host use data_dir/admin.json");
            }

            if (Refusal(http, caller) is { } refused)
            {
                await audit.AppendAsync(AuditEventTypes.AdminAccessDenied, caller.Actor.Stamp(new JsonObject
                {
                    ["method"] = http.Request.Method,
                    ["path"] = http.Request.Path.Value,
                    ["reason"] = refused,
                }), http.RequestAborted).ConfigureAwait(false);
                return Error(StatusCodes.Status403Forbidden, refused);
            }

            AdminCallers.Remember(http, caller);
            return await next(context).ConfigureAwait(false);
        });

        admin.MapGet("/whoami", WhoAmI).WithMetadata(AdminRule.AnyCaller);
        admin.MapGet("/users", ListUsers).WithMetadata(new AdminRule(AdminRules.User, AdminRules.List));
        admin.MapPost("/users", AddUserAsync).WithMetadata(new AdminRule(AdminRules.User, AdminRules.Create));
        admin.MapPut("/users/{name}", UpdateUserAsync).WithMetadata(new AdminRule(AdminRules.User, AdminRules.Update));
        admin.MapDelete("/users/{name}", RemoveUserAsync).WithMetadata(new AdminRule(AdminRules.User, AdminRules.Delete));
        admin.MapPost("/users/{name}/totp/reset", ResetTotpAsync).WithMetadata(new AdminRule(AdminRules.User, AdminRules.Update));
        admin.MapPost("/resources", CreateResourcesAsync).WithMetadata(new AdminRule(AdminRule.PerResourceInBody, AdminRules.Create));
        admin.MapGet("/resources/{kind}", GetResources).WithMetadata(new AdminRule(AdminRule.KindFromRoute, AdminRules.List));
        admin.MapGet("/resources/{kind}/{name}", GetResource).WithMetadata(new AdminRule(AdminRule.KindFromRoute, AdminRules.Read));
        admin.MapDelete("/resources/{kind}/{name}", RemoveResourceAsync).WithMetadata(new AdminRule(AdminRule.KindFromRoute, AdminRules.Delete));
        admin.MapPost("/locks", LockAsync).WithMetadata(new AdminRule(AdminRules.Lock, AdminRules.Create));
        admin.MapDelete("/locks/{kind}/{name}", UnlockAsync).WithMetadata(new AdminRule(AdminRules.Lock, AdminRules.Delete));
        admin.MapGet("/locks", ListLocks).WithMetadata(new AdminRule(AdminRules.Lock, AdminRules.List));
        admin.MapGet("/audit", SearchAuditAsync).WithMetadata(new AdminRule(AdminRules.Audit, AdminRules.Read));
        admin.MapPost("/bots", AddBotAsync).WithMetadata(new AdminRule(AdminRules.Bot, AdminRules.Create));
        admin.MapPost("/bots/{name}/tokens", AddJoinTokenAsync).WithMetadata(new AdminRule(AdminRules.Bot, AdminRules.Update));
        admin.MapGet("/bots", ListBots).WithMetadata(new AdminRule(AdminRules.Bot, AdminRules.List));
        admin.MapGet("/authorities", ListAuthorities).WithMetadata(new AdminRule(AdminRules.Authority, AdminRules.List));
        admin.MapPost("/authorities/{type}/rotate", RotateAsync).WithMetadata(new AdminRule(AdminRules.Authority, AdminRules.Update));
        admin.MapPost("/apps/{name}/doctor", DoctorAppAsync).WithMetadata(new AdminRule(AdminRules.App, AdminRules.Read));
        admin.MapGet("/apps/{name}/assertion", PreviewAssertion).WithMetadata(new AdminRule(AdminRules.User, AdminRules.Read));
        return app;
    }

    /// <summary>
    /// Why <paramref name="caller"/> may not use the route of <paramref name="context"/>, naming the missing rule; <c>null</c>
    /// when it may. A route without an <see cref="AdminRule"/> is refused to every caller but <c>local-admin</c>.
    /// </summary>
    private static string? Refusal(HttpContext context, AdminCaller caller)
    {
        var rule = context.GetEndpoint()?.Metadata.GetMetadata<AdminRule>();
        if (caller.Checker is null || ReferenceEquals(rule, AdminRule.AnyCaller))
        {
            return null;
        }

        if (rule is null)
        {
            return "this admin route has no role rule; only local-admin may call it";
        }

        if (rule.Resource == AdminRule.PerResourceInBody)
        {
            // Each resource of the body is checked by the endpoint; the caller must at least be allowed to write some.
            return AdminRules.Resources.Any(r => caller.Check(r, AdminRules.Create).Allowed || caller.Check(r, AdminRules.Update).Allowed)
                ? null
                : $"role rules allow no `{AdminRules.Create}` or `{AdminRules.Update}` on any resource";
        }

        var resource = rule.Resource == AdminRule.KindFromRoute ? AdminRules.OfKind(context.GetRouteValue("kind") as string ?? "") : rule.Resource;
        var decision = caller.Check(resource, rule.Verb);
        return decision.Allowed ? null : decision.Reason;
    }

    /// <summary>The actor of the admin request being answered, for its audit events.</summary>
    private static AuditActor ActorOf(HttpContext context) => AdminCallers.Of(context).Actor;

    private static IResult WhoAmI(HttpContext context)
    {
        var caller = AdminCallers.Of(context);
        return Results.Json(new Caller(caller.Actor.Kind, caller.Actor.Name, caller.Roles, caller.Expires), Json.Caller);
    }

    /// <summary>Reads a request body with its contract's parser (<c>TryParse</c>); <paramref name="parse"/> is called once.</summary>
    internal delegate bool BodyParser<T>(ReadOnlySpan<byte> json, [NotNullWhen(true)] out T? request, [NotNullWhen(false)] out string? error);

    private static AdminApiJsonContext Json => AdminApiJsonContext.ServerAnswers;

    internal static IResult Error(int status, string message, IEnumerable<string>? details = null) =>
        Results.Json(new AdminError(message, details?.ToArray()), Json.AdminError, statusCode: status);

    /// <summary>
    /// The answer to a request with a JSON body: <paramref name="answer"/> to the body as <paramref name="parse"/> reads
    /// it, or 400 with what is wrong with it (415 for a body that is not sent as JSON).
    /// </summary>
    private static async Task<IResult> WithBodyAsync<T>(HttpContext context, BodyParser<T> parse, Func<T, Task<IResult>> answer)
        where T : class
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        if (body.Length > 0 && !context.Request.HasJsonContentType())
        {
            return Error(StatusCodes.Status415UnsupportedMediaType, "the request body must be JSON (Content-Type: application/json)");
        }

        return parse(body.GetBuffer().AsSpan(0, (int)body.Length), out var request, out var error)
            ? await answer(request).ConfigureAwait(false)
            : Error(StatusCodes.Status400BadRequest, error);
    }

    /// <summary>The answer to a change: <paramref name="done"/> made from its value, or the refusal.</summary>
    private static IResult Answer<T>(ChangeResult<T> result, Func<T, IResult> done) =>
        result.Error is { } error ? Error(result.Status, error, result.Details) : done(result.Value!);

    /// <summary>The most events one page of <c>GET /v1/admin/audit</c> holds; <c>before</c> reads the next.</summary>
    private const int MaxAuditPage = 10_000;

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

        var limit = int.TryParse(query["limit"], out var parsedLimit) && parsedLimit > 0 ? Math.Min(parsedLimit, MaxAuditPage) : 1000;
        var fields = new Dictionary<string, string>();
        // actor and jti are indexed; session (an app or web session's reference) is matched on the events read.
        foreach (var field in (string[])["actor", "jti", "session"])
        {
            if (query[field].ToString() is { Length: > 0 } value)
            {
                fields[field] = value;
            }
        }

        var events = await audit.SearchAsync(
            new AuditQuery
            {
                Type = query["type"].ToString() is { Length: > 0 } type ? type : null,
                Since = since,
                FieldEquals = fields,
                Before = query["before"].ToString() is { Length: > 0 } before ? before : null,
                Limit = limit,
            },
            cancellationToken).ConfigureAwait(false);
        context.Response.ContentType = "application/x-ndjson";
        foreach (var e in events)
        {
            await context.Response.WriteAsync(e.ToJsonLine() + "\n", cancellationToken).ConfigureAwait(false);
        }
    }
}
