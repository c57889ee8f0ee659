using System.Text.Json;

namespace Postern.Verification;

/// <summary>
/// Who a verified Postern token speaks for: a user (app access assertion) or a workload
/// (JWT-SVID, whose subject is a SPIFFE ID and which carries no roles or traits).
/// </summary>
public sealed class PosternIdentity
{
    /// <summary>The <c>sub</c> claim: the user name, or the workload's SPIFFE ID.</summary>
    public required string Subject { get; init; }

    /// <summary>The <c>username</c> claim, or <see cref="Subject"/> when the token has none.</summary>
    public required string UserName { get; init; }

    /// <summary>The <c>roles</c> claim; empty when absent.</summary>
    public required IReadOnlyList<string> Roles { get; init; }

    /// <summary>The <c>traits</c> claim, trait name to values; empty when absent.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Traits { get; init; }

    /// <summary>The <c>aud</c> claim (a bare string becomes one element); empty when absent.</summary>
    public required IReadOnlyList<string> Audiences { get; init; }

    /// <summary>
    /// The <c>iss</c> claim: the cluster name, or the workload identity issuer URL; empty for a
    /// JWT-SVID that carries none (accepted only when no issuer is configured).
    /// </summary>
    public required string Issuer { get; init; }

    /// <summary>The <c>exp</c> claim.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The <c>iat</c> claim, when present.</summary>
    public DateTimeOffset? IssuedAt { get; init; }

    /// <summary>The <c>nbf</c> claim, when present.</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>The <c>jti</c> claim, when present: the id Postern's audit log records for this token.</summary>
    public string? TokenId { get; init; }

    /// <summary>The <c>kid</c> of the key that signed the token.</summary>
    public required string KeyId { get; init; }

    /// <summary>Every claim of the payload as sent, including ones this type does not model.</summary>
    public required JsonElement Claims { get; init; }
}
