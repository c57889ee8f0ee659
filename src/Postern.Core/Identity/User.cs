using System.Text;

namespace Postern.Identity;

/// <summary>A local user. Printing one never shows its password hash or second-factor secret.</summary>
public sealed record User
{
    /// <summary>The user name (the assertion's <c>sub</c> and <c>username</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The names of the user's roles.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>Internal traits, set in Postern, such as <c>logins</c>: name → values (<c>{{internal.x}}</c>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Traits { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>
    /// External traits: the claims of the identity provider the user signs in through, replaced at every sign-in
    /// (<c>{{external.x}}</c>); empty for a local user.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ExternalTraits { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The SSO connector that created the user and that they sign in through; <c>null</c> for a local user.</summary>
    public string? Connector { get; init; }

    /// <summary>
    /// The provider's issuer and subject a user made by a connector is bound to: a sign-in that presents another is
    /// refused. <c>null</c> for a local user, and for one made by a connector before the subject was recorded.
    /// </summary>
    public ExternalSubject? ExternalSubject { get; init; }

    /// <summary>
    /// The traits an app assertion carries: the identity provider's claims for a user of a connector, the internal
    /// traits for a local user. The other set stays out of the token and in reach of templates.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> AssertionTraits => Connector is null ? Traits : ExternalTraits;

    /// <summary>The password hash (see <see cref="Passwords"/>), or <c>null</c> before a password is set.</summary>
    public string? PasswordHash { get; init; }

    /// <summary>
    /// The TOTP secret when a second factor is enrolled, sealed under the key-encryption key (see
    /// <see cref="SealedTotpSecret"/>); the store never holds the plain seed.
    /// </summary>
    public Authority.SealedKey? TotpSecret { get; init; }

    /// <summary>
    /// A plain base32 TOTP secret read from a record written before secrets were sealed; the server seals it when it
    /// starts (see docs/second-factor.md) and never writes one.
    /// </summary>
    public string? LegacyTotpSecret { get; init; }

    /// <summary>Whether the user has a second factor: a sealed secret, or a legacy plain one not yet sealed.</summary>
    public bool HasTotp => TotpSecret is not null || LegacyTotpSecret is not null;

    /// <summary>The SHA-256 hashes of the user's unused recovery codes (see <see cref="RecoveryCodes"/>).</summary>
    public IReadOnlyList<string> RecoveryCodeHashes { get; init; } = [];

    /// <summary>Whether the user must have a second factor: one who has none is sent to enrol at the next sign-in.</summary>
    public bool RequireTotp { get; init; }

    /// <summary>When the user was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Name = ").Append(Name)
            .Append(", Roles = [").AppendJoin(", ", Roles).Append(']')
            .Append(", Traits = [").AppendJoin(", ", Traits.Keys).Append(']')
            .Append(", ExternalTraits = [").AppendJoin(", ", ExternalTraits.Keys).Append(']')
            .Append(", Connector = ").Append(Connector)
            .Append(", ExternalSubject = ").Append(ExternalSubject)
            .Append(", HasPassword = ").Append(PasswordHash is not null)
            .Append(", HasTotp = ").Append(HasTotp)
            .Append(", RequireTotp = ").Append(RequireTotp)
            .Append(", RecoveryCodes = ").Append(RecoveryCodeHashes.Count)
            .Append(", CreatedAt = ").Append(CreatedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        return true;
    }
}
