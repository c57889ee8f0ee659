using Microsoft.AspNetCore.Http;
using Postern.Admin.Api;
using Postern.Server.State;
using Postern.Server.WorkloadIdentity;

namespace Postern.Server.Admin;

/// <summary>Bots and their join tokens (<c>postern bots ls|add|token</c>).</summary>
internal static partial class AdminEndpoints
{
    private static Task<IResult> AddBotAsync(HttpContext context, BotRegistry bots, CancellationToken cancellationToken) =>
        WithBodyAsync<AddBotRequest>(context, AddBotRequest.TryParse, async request =>
            Answer(await bots.AddAsync(request.Name, request.Roles, request.Labels, request.Agent is true, request.Ttl, ActorOf(context), cancellationToken).ConfigureAwait(false),
                made => Issued(made.Bot, made)));

    private static Task<IResult> AddJoinTokenAsync(string name, HttpContext context, BotRegistry bots, CancellationToken cancellationToken) =>
        WithBodyAsync<JoinTokenRequest>(context, JoinTokenRequest.TryParse, async request =>
            Answer(await bots.AddJoinTokenAsync(name, request.Labels, request.Agent is true, request.Ttl, ActorOf(context), cancellationToken).ConfigureAwait(false),
                made => Issued(name, made)));

    private static IResult ListBots(ClusterState cluster) =>
        Results.Json([.. cluster.Bots.Select(b => new BotSummary(b.Metadata.Name, b.Roles, IdentityStanding.OfBot(cluster, b.Metadata.Name).IsLocked))], Json.IReadOnlyListBotSummary);

    private static IResult Issued(string name, BotRegistry.JoinToken made) =>
        Results.Json(new JoinTokenIssued(name, made.Token, made.Expires), Json.JoinTokenIssued, statusCode: StatusCodes.Status201Created);
}
