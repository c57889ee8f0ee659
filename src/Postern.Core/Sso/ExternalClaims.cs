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

    /// <summary>
    /// Whether the provider vouches for the <c>email</c> of the claim sets (in the order of <see cref="ToTraits"/>):
    /// the set that gives the address must also say <c>"email_verified": true</c>, a JSON boolean as OpenID Connect
    /// defines it (a string <c>"true"</c> is not). A later set that says anything but <c>true</c> takes it back.
    /// </summary>
    public static bool EmailVerified(params IEnumerable<KeyValuePair<string, JsonElement>>[] sources)
    {
        var verified = false;
        foreach (var source in sources)
        {
            var givesEmail = false;
            bool? says = null;
            foreach (var (name, value) in source)
            {
                givesEmail |= name == "email";
                says = name == "email_verified" ? (says ?? true) && value.ValueKind == JsonValueKind.True : says;
            }

            verified = givesEmail ? says == true : verified && says != false;
        }

        return verified;
    }

    /// <summary>
    /// The user <paramref name="connector"/> makes of <paramref name="traits"/>, or why none may sign in.
    /// <paramref name="emailVerified"/> (<see cref="EmailVerified"/>) must be true when the <c>email</c> claim names the
    /// user or has its domain checked: anyone can type any address into an account at many providers.
    /// </summary>
    public static ExternalIdentityResult Map(OidcConnector connector, IReadOnlyDictionary<string, IReadOnlyList<string>> traits, bool emailVerified)
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

        if (connector.UsernameClaim == "email" && !emailVerified)
        {
            return ExternalIdentityResult.Refused("email_unverified",
                $"the identity provider has not verified the email address {names[0]}, which names your Postern user (it must send \"email_verified\": true)");
        }

        if (connector.AllowedEmailDomains.Count > 0 && EmailDomainProblem(connector, traits, emailVerified) is { } problem)
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

    private static string? EmailDomainProblem(OidcConnector connector, IReadOnlyDictionary<string, IReadOnlyList<string>> traits, bool emailVerified)
    {
        if (!traits.TryGetValue("email", out var emails) || emails.Count != 1)
        {
            return "the identity provider sent no email address, and this connector admits only some email domains";
        }

        if (!emailVerified)
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
