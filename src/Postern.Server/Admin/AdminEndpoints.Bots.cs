using Microsoft.AspNetCore.Http;
using Postern.Server.State;
using Postern.Server.WorkloadIdentity;

namespace Postern.Server.Admin;

/// <summary>Bots and their join tokens (<c>postern bots ls|add|token</c>).</summary>
internal static partial class AdminEndpoints
{
    private static async Task<IResult> AddBotAsync(AddBotRequest request, BotRegistry bots, CancellationToken cancellationToken) =>
        Answer(await bots.AddAsync(request.Name, request.Roles, request.Labels, request.Agent is true, request.Ttl, cancellationToken).ConfigureAwait(false),
            made => Results.Json(new { name = made.Bot, token = made.Token, expires = made.Expires }, statusCode: StatusCodes.Status201Created));

    private static async Task<IResult> AddJoinTokenAsync(string name, JoinTokenRequest? request, BotRegistry bots, CancellationToken cancellationToken) =>
        Answer(await bots.AddJoinTokenAsync(name, request?.Labels, request?.Agent is true, request?.Ttl, cancellationToken).ConfigureAwait(false),
            made => Results.Json(new { name, token = made.Token, expires = made.Expires }, statusCode: StatusCodes.Status201Created));

    private static IResult ListBots(ClusterState cluster) =>
        Results.Json(cluster.Bots.Select(b => new { name = b.Metadata.Name, roles = b.Roles, locked = IdentityStanding.OfBot(cluster, b.Metadata.Name).IsLocked }));

    /// <param name="Agent">The join token is an agent's: its credential may present attested workload attributes.</param>
    internal sealed record AddBotRequest(string? Name, IReadOnlyList<string>? Roles, IReadOnlyDictionary<string, string>? Labels, string? Ttl, bool? Agent = null);

    /// <param name="Agent">The join token is an agent's: its credential may present attested workload attributes.</param>
    internal sealed record JoinTokenRequest(IReadOnlyDictionary<string, string>? Labels, string? Ttl, bool? Agent = null);
}
