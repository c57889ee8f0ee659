using System.Text;

namespace Postern.Identity;

/// <summary>A local user. Printing one never shows its password hash or second-factor secret.</summary>
public sealed record User
{
    /// <summary>The user name (the assertion's <c>sub</c> and <c>username</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The names of the user's roles.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>Traits such as <c>logins</c>: name → values.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Traits { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The password hash (see <see cref="Passwords"/>), or <c>null</c> before a password is set.</summary>
    public string? PasswordHash { get; init; }

    /// <summary>The TOTP secret (base32) when a second factor is enrolled.</summary>
    public string? TotpSecret { get; init; }

    /// <summary>When the user was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Name = ").Append(Name)
            .Append(", Roles = [").AppendJoin(", ", Roles).Append(']')
            .Append(", Traits = [").AppendJoin(", ", Traits.Keys).Append(']')
            .Append(", HasPassword = ").Append(PasswordHash is not null)
            .Append(", HasTotp = ").Append(TotpSecret is not null)
            .Append(", CreatedAt = ").Append(CreatedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        return true;
    }
}
