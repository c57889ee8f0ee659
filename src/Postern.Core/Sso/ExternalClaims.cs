using System.Text.Json;

namespace Postern.Sso;

/// <summary>
/// Turns the claims of an identity provider (from the ID token, then userinfo) into a Postern user: every
/// claim becomes an external trait (an array stays an array, a string or number becomes a one-element list),
/// the protocol's own claims left out; <c>claims_to_roles</c> gives the roles.
/// </summary>
public static class ExternalClaims
{
    /// <summary>At most this many claims are kept, and this many values of one claim.</summary>
    public const int MaxClaims = 128;

    /// <summary>At most this many values of one claim are kept.</summary>
    public const int MaxValues = 256;

    private const int MaxValueLength = 1024;

    private static readonly HashSet<string> ProtocolClaims = new(StringComparer.Ordinal)
    {
        "iss", "aud", "exp", "iat", "nbf", "nonce", "at_hash", "c_hash", "s_hash", "azp", "auth_time", "sid", "jti", "acr", "amr",
    };

    /// <summary>
    /// The traits of one user from claim sets in order; a claim in a later set (userinfo) replaces the same claim in
    /// an earlier one (the ID token). Objects, nulls and values with control characters are dropped.
    /// </summary>
    public static Dictionary<string, IReadOnlyList<string>> ToTraits(params IEnumerable<KeyValuePair<string, JsonElement>>[] sources)
    {
        var traits = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            foreach (var (name, element) in source)
            {
                if (ProtocolClaims.Contains(name) || name.Length is 0 or > 256 || (traits.Count >= MaxClaims && !traits.ContainsKey(name)))
                {
                    continue;
                }

                var values = element.ValueKind == JsonValueKind.Array
                    ? element.EnumerateArray().Select(Scalar).OfType<string>().Take(MaxValues).ToList()
                    : Scalar(element) is { } one ? [one] : [];
                if (values.Count > 0)
                {
                    traits[name] = values;
                }
            }
        }

        return traits;
    }

    /// <summary>The user <paramref name="connector"/> makes of <paramref name="traits"/>, or why none may sign in.</summary>
    public static ExternalIdentityResult Map(OidcConnector connector, IReadOnlyDictionary<string, IReadOnlyList<string>> traits)
    {
        if (!traits.TryGetValue(connector.UsernameClaim, out var names) || names.Count != 1)
        {
            return ExternalIdentityResult.Refused("no_username",
                $"the identity provider did not send exactly one '{connector.UsernameClaim}' claim, which names the user");
        }

        var userName = names[0].ToLowerInvariant();
        if (!Resources.ResourceReader.UserNamePattern().IsMatch(userName))
        {
            return ExternalIdentityResult.Refused("bad_username",
                $"the '{connector.UsernameClaim}' claim '{names[0]}' is not a valid Postern user name (lowercase letters, digits, '@', '.', '_', '-')");
        }

        if (connector.AllowedEmailDomains.Count > 0 && EmailDomainProblem(connector, traits) is { } problem)
        {
            return ExternalIdentityResult.Refused("email_domain", problem);
        }

        var roles = connector.ClaimsToRoles.Where(m => m.Matches(traits)).SelectMany(m => m.Roles).Distinct(StringComparer.Ordinal).ToList();
        if (roles.Count == 0)
        {
            return ExternalIdentityResult.Refused("no_role",
                $"your identity provider's claims map to no Postern role (claims_to_roles of connector '{connector.Name}'); ask an administrator for access");
        }

        return new ExternalIdentityResult(new ExternalIdentity(userName, traits, roles), null, null);
    }

    private static string? EmailDomainProblem(OidcConnector connector, IReadOnlyDictionary<string, IReadOnlyList<string>> traits)
    {
        if (!traits.TryGetValue("email", out var emails) || emails.Count != 1)
        {
            return "the identity provider sent no email address, and this connector admits only some email domains";
        }

        if (traits.TryGetValue("email_verified", out var verified) && verified.Count == 1 && verified[0] == "false")
        {
            return $"the identity provider has not verified the email address {emails[0]}";
        }

        var at = emails[0].LastIndexOf('@');
        var domain = at < 0 ? "" : emails[0][(at + 1)..];
        return connector.AllowedEmailDomains.Any(d => string.Equals(d, domain, StringComparison.OrdinalIgnoreCase))
            ? null
            : $"the email domain '{domain}' is not one this connector admits ({string.Join(", ", connector.AllowedEmailDomains)})";
    }

    private static string? Scalar(JsonElement element)
    {
        var text = element.ValueKind switch
        {
            JsonValueKind.String => element.GetString(),
            JsonValueKind.Number => element.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
        return text is null || text.Length > MaxValueLength || text.Any(char.IsControl) ? null : text;
    }
}
