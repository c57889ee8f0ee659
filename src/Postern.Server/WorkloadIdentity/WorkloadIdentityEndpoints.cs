using System.Buffers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Postern.Identity;
using Postern.Server.State;
using Postern.Server.Web;
using Postern.Configuration;
using Postern.WorkloadIdentity;
using Postern.WorkloadIdentity.Api;
using Postern.Server.Federation;
using Postern.Server.Sessions;
using Postern.TrustBundles;

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
        app.MapPost(WorkloadApiPaths.Join, JoinAsync).RequireRateLimiting(JoinRateLimitPolicy.Name);
        app.MapPost(WorkloadApiPaths.Renew, RenewAsync);
        app.MapPost(WorkloadApiPaths.JwtSvids, IssueAsync);
        app.MapPost(WorkloadApiPaths.X509Svids, IssueX509Async);
        app.MapGet(WorkloadApiPaths.X509Bundle, (Postern.Authority.CertAuthorities authorities, PosternConfig config) => Results.Json(
            new X509BundleDocument(config.TrustDomain, [.. authorities.Get(Postern.Authority.CertAuthorityType.X509).CaCertificates.Select(c => Convert.ToBase64String(c.RawData))]),
            WorkloadApiJsonContext.Default.X509BundleDocument));
        app.MapGet(WorkloadApiPaths.Policy, PolicyAsync);
        app.MapGet(WorkloadApiPaths.FederatedBundles, FederatedBundlesAsync);
        app.MapGet(TrustBundlePaths.Bundle, (HttpContext context, TrustBundleSource bundles, PosternConfig config) =>
            CachedDocument.WriteAsync(context, bundles.Current.Document.Json, bundles.Current.Document.ETag, config.Authorities.KeySetMaxAge));
    }

    private static async Task<IResult> JoinAsync(HttpContext context, BotAuthority bots)
    {
        var (body, tooLarge) = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            return tooLarge!;
        }

        if (!JoinRequest.TryParse(body, out var request, out var problem))
        {
            return Error(StatusCodes.Status400BadRequest, problem);
        }

        var (grant, error) = await bots.JoinAsync(request.Token, request.Agent, context.Connection.RemoteIpAddress?.ToString() ?? "", context.RequestAborted).ConfigureAwait(false);
        return grant is null ? Error(StatusCodes.Status401Unauthorized, error!) : Grant(grant);
    }

    private static async Task<IResult> RenewAsync(HttpContext context, BotAuthority bots)
    {
        var authenticated = await bots.AuthenticateAsync(context).ConfigureAwait(false);
        if (authenticated.Bot is null)
        {
            return Error(authenticated.Status, authenticated.Error!);
        }

        var renewal = await bots.RenewAsync(authenticated, context.Connection.RemoteIpAddress?.ToString() ?? "", context.RequestAborted).ConfigureAwait(false);
        return renewal.Grant is { } grant ? Grant(grant) : Error(renewal.Status, renewal.Error!);
    }

    private static async Task<IResult> PolicyAsync(HttpContext context, BotAuthority bots, ClusterState cluster)
    {
        var authenticated = await bots.AuthenticateAsync(context).ConfigureAwait(false);
        return authenticated.Bot is null
            ? Error(authenticated.Status, authenticated.Error!)
            : Results.Json(new PolicyRevision(cluster.PolicyRevision), WorkloadApiJsonContext.Default.PolicyRevision);
    }

    private static async Task<IResult> FederatedBundlesAsync(HttpContext context, BotAuthority bots, FederatedBundles federated)
    {
        var authenticated = await bots.AuthenticateAsync(context).ConfigureAwait(false);
        if (authenticated.Bot is null)
        {
            return Error(authenticated.Status, authenticated.Error!);
        }

        var document = federated.Document;
        context.Response.Headers.ETag = document.ETag;
        context.Response.Headers.CacheControl = "no-cache";
        return context.Request.Headers.IfNoneMatch.ToString() == document.ETag
            ? Results.StatusCode(StatusCodes.Status304NotModified)
            : Results.Bytes(document.Json, "application/json");
    }

    private static async Task<IResult> IssueAsync(HttpContext context, BotAuthority bots, WebSessionCookie cookie, ClusterState cluster, JwtSvidIssuer issuer, WebSettings settings, PosternConfig config)
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

            caller = new WorkloadCaller { Kind = WorkloadCallerKind.Bot, Name = bot.Bot, JoinLabels = bot.Labels, Agent = bot.Agent, ClientAddr = context.Connection.RemoteIpAddress?.ToString() };
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

            caller = new WorkloadCaller { Kind = WorkloadCallerKind.User, Name = signedIn.User.Name, Traits = signedIn.User.Traits, ClientAddr = context.Connection.RemoteIpAddress?.ToString() };
            checker = AccessChecker.Create(signedIn.User, cluster.RolesOf(signedIn.User));
        }

        var (body, tooLarge) = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            return tooLarge!;
        }

        if (!SvidRequest.TryParse(body, caller, config.WorkloadIdentity.MaxTtl, out var request, out var problem))
        {
            if (problem.Code == SvidRequestRefusalCode.NotAnAgent)
            {
                // Not an input mistake but a claim the caller may not make: refused and recorded.
                await issuer.RefuseAsync(caller, problem.Message, context.RequestAborted).ConfigureAwait(false);
                return Error(StatusCodes.Status403Forbidden, problem.Message);
            }

            return Error(StatusCodes.Status400BadRequest, problem.Message);
        }

        caller = caller with { Unix = request.Unix };
        var issuance = await issuer.IssueAsync(caller, checker, request, context.RequestAborted).ConfigureAwait(false);
        if (issuance.Svids.Count == 0)
        {
            return Results.Json(new ApiError($"no workload identity may be issued to {caller.Target}", issuance.Reasons), WorkloadApiJsonContext.Default.ApiError, statusCode: StatusCodes.Status403Forbidden);
        }

        context.Response.Headers.CacheControl = "no-store";
        return Results.Json(new JwtSvidResponse(issuance.Svids), WorkloadApiJsonContext.Default.JwtSvidResponse);
    }

    private static async Task<IResult> IssueX509Async(HttpContext context, BotAuthority bots, ClusterState cluster, X509SvidIssuer issuer, PosternConfig config)
    {
        // X.509-SVIDs go to bots only: the agent holds the private key on the workload's host.
        var authenticated = await bots.AuthenticateAsync(context).ConfigureAwait(false);
        if (authenticated.Bot is not { } bot)
        {
            return Error(authenticated.Status, authenticated.Error!);
        }

        var caller = new WorkloadCaller { Kind = WorkloadCallerKind.Bot, Name = bot.Bot, JoinLabels = bot.Labels, Agent = bot.Agent };
        var (body, tooLarge) = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            return tooLarge!;
        }

        var clientAddr = context.Connection.RemoteIpAddress?.ToString();
        if (!X509SvidOrder.TryParse(body, caller, config.WorkloadIdentity.X509.MaxTtl, out var order, out var problem))
        {
            if (problem.Code == SvidRequestRefusalCode.BadRequest)
            {
                return Error(StatusCodes.Status400BadRequest, problem.Message);
            }

            // Not an input mistake but a claim the caller may not make (attributes, a forged or over-asking CSR): refused and recorded.
            await issuer.RefuseAsync(caller, problem.Message, clientAddr, context.RequestAborted).ConfigureAwait(false);
            return Error(StatusCodes.Status403Forbidden, problem.Message);
        }

        caller = caller with { Unix = order.Unix };
        var issuance = await issuer.IssueAsync(caller, cluster.BotAccess(bot.Bot), order, clientAddr, context.RequestAborted).ConfigureAwait(false);
        if (issuance.Svid is not { } svid)
        {
            return issuance.Unavailable
                ? Error(StatusCodes.Status503ServiceUnavailable, issuance.Reasons[0])
                : Results.Json(new ApiError($"no workload identity may be issued to {caller.Target}", issuance.Reasons), WorkloadApiJsonContext.Default.ApiError, statusCode: StatusCodes.Status403Forbidden);
        }

        context.Response.Headers.CacheControl = "no-store";
        return Results.Json(svid, WorkloadApiJsonContext.Default.X509SvidResponse);
    }

    /// <summary>The request's body, or the answer that refuses it as too large; what it holds is for the contract's parser to judge.</summary>
    private static async Task<(byte[]? Body, IResult? TooLarge)> ReadBodyAsync(HttpContext context)
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

            // A copy: the pipe's own memory is reused after AdvanceTo.
            var body = buffer.ToArray();
            reader.AdvanceTo(buffer.End);
            return (body, null);
        }
    }

    private static IResult TooLarge() => Error(StatusCodes.Status413PayloadTooLarge, $"the request body is over {MaxBody / 1024} KiB");

    private static IResult Grant(BotCredentialGrant grant) => Results.Json(grant, WorkloadApiJsonContext.Default.BotCredentialGrant, statusCode: StatusCodes.Status200OK);

    private static IResult Error(int status, string message) => Results.Json(new ApiError(message), WorkloadApiJsonContext.Default.ApiError, statusCode: status);
}
