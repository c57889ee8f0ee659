using Microsoft.AspNetCore.Http;
using Postern.Admin.Api;
using Postern.Audit;
using Postern.Authority;
using Postern.Server.Authority;

namespace Postern.Server.Admin;

/// <summary>The authorities and their rotation (<c>postern ca ls</c>, <c>postern ca rotate</c>).</summary>
internal static partial class AdminEndpoints
{
    private static IResult ListAuthorities(CertAuthorities authorities, AuthorityRotator rotator, Configuration.PosternConfig config) =>
        Results.Json([.. CertAuthorityTypes.All.Select(type => Describe(type, authorities.Get(type).Document, rotator, config))], Json.IReadOnlyListAuthoritySummary);

    private static async Task<IResult> RotateAsync(string type, HttpContext context, AuthorityRotator rotator, Configuration.PosternConfig config, CancellationToken cancellationToken)
    {
        if (CertAuthorityTypes.All.FirstOrDefault(t => t.Name() == type) is var authority && authority.Name() != type)
        {
            return Error(StatusCodes.Status404NotFound, $"unknown authority '{type}' (expected jwt or workload)");
        }

        return await WithBodyAsync<RotateAuthorityRequest>(context, RotateAuthorityRequest.TryParse, body => StartRotationAsync(authority, body, ActorOf(context), rotator, config, cancellationToken)).ConfigureAwait(false);
    }

    private static async Task<IResult> StartRotationAsync(CertAuthorityType authority, RotateAuthorityRequest body, AuditActor actor, AuthorityRotator rotator, Configuration.PosternConfig config, CancellationToken cancellationToken)
    {
        TimeSpan? grace = null;
        if (body.Grace is not null)
        {
            if (!Durations.TryParse(body.Grace, out var parsed, out var reason))
            {
                return Error(StatusCodes.Status400BadRequest, $"grace: {reason}");
            }

            grace = parsed;
        }

        try
        {
            var outcome = await rotator.RotateAsync(authority, new RotateRequest(grace, body.Manual, body.Phase, body.Rollback, actor), cancellationToken).ConfigureAwait(false);
            return Results.Json(new RotationAnswer(outcome.From.Name(), Describe(authority, outcome.Document, rotator, config), outcome.Warning), Json.RotationAnswer);
        }
        catch (RotationException e)
        {
            return Error(e is RotationConflictException ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest, e.Message);
        }
    }

    private static AuthoritySummary Describe(CertAuthorityType type, CertAuthorityDocument document, AuthorityRotator rotator, Configuration.PosternConfig config)
    {
        var rotation = document.Rotation;
        var next = rotator.NextAutomaticStep(type);
        return new AuthoritySummary(
            type.Name(),
            document.Phase.Name(),
            rotation?.Mode.ToString().ToLowerInvariant(),
            rotation is null ? null : Durations.Format(rotation.Grace),
            rotation?.PhaseSince,
            next?.Step,
            next?.Due,
            config.Authorities.For(type).Algorithm,
            [.. document.Keys.Select(k => new AuthorityKeySummary(k.Kid, k.Alg, KeyState(document, k.Kid), k.PrivateKey is null ? "vault" : "store", k.Created))]);
    }

    // signing: signs now; next: published, signs after update_clients; retiring: published, dropped at the end.
    private static string KeyState(CertAuthorityDocument document, string kid) =>
        kid == document.SigningKid ? "signing"
        : document.Phase == RotationPhase.Init ? "next"
        : "retiring";
}
