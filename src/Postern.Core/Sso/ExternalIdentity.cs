namespace Postern.Sso;

/// <summary>A user as an identity provider describes them: the Postern user name, the provider's claims as traits, and the roles they map to.</summary>
public sealed record ExternalIdentity(string UserName, IReadOnlyDictionary<string, IReadOnlyList<string>> Traits, IReadOnlyList<string> Roles);

/// <summary>The outcome of mapping a provider's claims: an identity, or a stable code and a message that says what is wrong.</summary>
public sealed record ExternalIdentityResult(ExternalIdentity? Identity, string? ErrorCode, string? Error)
{
    /// <summary>Whether the claims gave a user who may sign in.</summary>
    public bool Succeeded => Identity is not null;

    internal static ExternalIdentityResult Refused(string code, string message) => new(null, code, message);
}
