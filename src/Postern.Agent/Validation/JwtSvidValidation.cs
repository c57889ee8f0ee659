namespace Postern.Agent.Validation;

/// <summary>The result of checking a JWT-SVID: its SPIFFE ID and claims, or why it was refused.</summary>
internal sealed record JwtSvidValidation
{
    private JwtSvidValidation(string? spiffeId, string? claimsJson, string reason)
    {
        SpiffeId = spiffeId;
        ClaimsJson = claimsJson;
        Reason = reason;
    }

    public bool IsValid => SpiffeId is not null;

    /// <summary>The token's subject, a SPIFFE ID of the bundle's trust domain, when valid.</summary>
    public string? SpiffeId { get; }

    /// <summary>The token's payload, a JSON object, when valid.</summary>
    public string? ClaimsJson { get; }

    /// <summary>Why the token was refused; empty when valid.</summary>
    public string Reason { get; }

    public static JwtSvidValidation Valid(string spiffeId, string claimsJson) => new(spiffeId, claimsJson, "");

    public static JwtSvidValidation Invalid(string reason) => new(null, null, reason);
}
