using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Postern.Admin.Api;
using Postern.Audit;
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
        var credential = app.ServiceProvider.GetRequiredService<AdminCredential>();
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
        return app;
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
}
