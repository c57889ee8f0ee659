using System.Text.Json;
using Postern.Identity;
using Postern.Sso;

namespace Postern.Server.Sso;

/// <summary>
/// Whether a sign-in may be the Postern user its claims name. A user made by a connector is the provider's subject
/// (<c>iss</c> and <c>sub</c>), recorded at their first sign-in: a claim such as <c>email</c> only finds the user,
/// and a sign-in by another subject that claims the same name is refused. A connector never takes over a local
/// user or another connector's, and with <c>create_users: false</c> makes nobody new.
/// </summary>
internal static class SubjectBinding
{
    /// <summary>The issuer and subject of a validated ID token; <c>null</c> when it lacks either.</summary>
    public static ExternalSubject? Of(JsonElement idToken) =>
        idToken.TryGetProperty("iss", out var issuer) && issuer.ValueKind == JsonValueKind.String && issuer.GetString() is { Length: > 0 } iss
        && idToken.TryGetProperty("sub", out var subject) && subject.ValueKind == JsonValueKind.String && subject.GetString() is { Length: > 0 } sub
            ? new ExternalSubject(iss, sub)
            : null;

    /// <summary>
    /// Why <paramref name="subject"/> may not sign in through <paramref name="connector"/> as <paramref name="userName"/>,
    /// stored as <paramref name="existing"/> (<c>null</c>: no such user); <c>null</c> when it may.
    /// </summary>
    public static SsoFailure? Refusal(OidcConnector connector, string userName, User? existing, ExternalSubject subject)
    {
        if (existing is null)
        {
            return connector.CreateUsers ? null : new("user_unknown",
                $"there is no user '{userName}' of connector '{connector.Name}', and the connector creates none (create_users: false)");
        }

        if (existing.Connector != connector.Name)
        {
            return new("user_exists", existing.Connector is null
                ? $"a local user named '{userName}' already exists, and SSO does not take over local users"
                : $"the user '{userName}' signs in through connector '{existing.Connector}'");
        }

        if (BoundTo(existing, subject.Issuer) is not { } bound)
        {
            return new("subject_mismatch",
                $"the user '{userName}' was made before Postern recorded the provider's subject, and kept no 'sub' claim to check subject '{subject.Subject}' against; `postern users rm {userName}` lets the next sign-in make it again");
        }

        return bound == subject ? null : new("subject_mismatch",
            $"the user '{userName}' is bound to subject '{bound.Subject}' at issuer '{bound.Issuer}', and this sign-in is by subject '{subject.Subject}' at issuer '{subject.Issuer}'");
    }

    /// <summary>
    /// The subject <paramref name="user"/> is bound to. A user made before subjects were recorded is bound to the
    /// <c>sub</c> kept among their external traits at their last sign-in, at the issuer of this one.
    /// </summary>
    private static ExternalSubject? BoundTo(User user, string issuer) =>
        user.ExternalSubject ?? (user.ExternalTraits.TryGetValue("sub", out var subs) && subs.Count == 1 ? new ExternalSubject(issuer, subs[0]) : null);
}
