using System.Text.RegularExpressions;
using Postern.Configuration;
using Postern.Sso;
using YamlDotNet.RepresentationModel;

namespace Postern.Resources;

/// <summary>Reads the <c>spec</c> of an <c>oidc</c> connector, reporting every problem with its path.</summary>
internal static partial class OidcConnectorReader
{
    private static readonly string[] SpecFields =
        ["issuer_url", "client_id", "client_secret", "redirect_url", "scopes", "claims_to_roles", "username_claim", "prompt", "allowed_email_domains", "create_users", "display", "insecure_allow_http"];

    private static readonly string[] ClientSecretFields = ["file", "env"];
    private static readonly string[] ClaimMappingFields = ["claim", "value", "roles"];
    private static readonly string[] PromptValues = ["none", "login", "consent", "select_account"];

    public static OidcConnectorResource? Read(YamlCursor c, ResourceMetadata? metadata, YamlNode? specNode)
    {
        if (metadata is not null && !AppConfigReader.AppNamePattern().IsMatch(metadata.Name))
        {
            c.Error("metadata.name", $"'{metadata.Name}' is not a valid connector name (lowercase letters, digits and '-', at most 63 characters)");
        }

        var spec = c.Mapping(specNode, "spec", SpecFields);
        if (spec is null)
        {
            c.Error("spec", "required: issuer_url, client_id, client_secret and claims_to_roles");
            return null;
        }

        var insecure = c.Bool(spec, "insecure_allow_http", "spec") ?? false;
        var issuer = ReadUrl(c, spec, "issuer_url", insecure, required: true);
        var redirect = ReadUrl(c, spec, "redirect_url", insecure, required: false);
        if (redirect is not null && metadata is not null && redirect.AbsolutePath != OidcConnector.CallbackPath(metadata.Name))
        {
            c.Error("spec.redirect_url", $"the path must be {OidcConnector.CallbackPath(metadata.Name)}, where Postern takes the provider's answer for this connector");
        }

        var clientId = c.String(spec, "client_id", "spec");
        if (string.IsNullOrEmpty(clientId) || clientId.Any(char.IsControl))
        {
            c.Error("spec.client_id", clientId is null ? "required: the client id Postern is registered under at the provider" : "expected a client id without control characters");
        }

        var secret = ReadClientSecret(c, spec);
        var scopes = c.Strings(spec, "scopes", "spec");
        if (spec.ContainsKey("scopes") && !scopes.Contains("openid"))
        {
            c.Error("spec.scopes", "must include openid");
        }

        var usernameClaim = c.String(spec, "username_claim", "spec");
        if (usernameClaim is { Length: 0 })
        {
            c.Error("spec.username_claim", "expected the name of a claim, e.g. email");
        }

        var prompt = c.String(spec, "prompt", "spec");
        foreach (var value in (prompt ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(v => !PromptValues.Contains(v)))
        {
            c.Error("spec.prompt", $"unknown prompt '{value}' (expected one or more of: {string.Join(", ", PromptValues)})");
        }

        var domains = c.Strings(spec, "allowed_email_domains", "spec");
        foreach (var domain in domains.Where(d => !DomainPattern().IsMatch(d)))
        {
            c.Error("spec.allowed_email_domains", $"'{domain}' is not a domain name");
        }

        var createUsers = c.Bool(spec, "create_users", "spec") ?? true;
        var mappings = ReadClaimsToRoles(c, spec);
        return metadata is null || issuer is null || clientId is null || secret is null ? null : new OidcConnectorResource
        {
            Metadata = metadata,
            Connector = new OidcConnector
            {
                Name = metadata.Name,
                IssuerUrl = issuer,
                ClientId = clientId,
                ClientSecret = secret,
                RedirectUrl = redirect,
                Scopes = spec.ContainsKey("scopes") ? scopes : OidcConnector.DefaultScopes,
                ClaimsToRoles = mappings,
                UsernameClaim = usernameClaim ?? "email",
                Prompt = prompt,
                AllowedEmailDomains = domains,
                CreateUsers = createUsers,
                Display = c.String(spec, "display", "spec"),
                InsecureAllowHttp = insecure,
            },
        };
    }

    private static Uri? ReadUrl(YamlCursor c, Dictionary<string, YamlNode> spec, string key, bool insecure, bool required)
    {
        var text = c.String(spec, key, "spec");
        if (text is null)
        {
            if (required)
            {
                c.Error("spec." + key, "required: the provider's issuer, e.g. https://example.okta.com");
            }

            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Host.Length == 0 || url.Query.Length > 0 || url.Fragment.Length > 0
            || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            c.Error("spec." + key, $"'{text}' is not an absolute https:// URL without query or fragment");
            return null;
        }

        if (url.Scheme == Uri.UriSchemeHttp && !insecure)
        {
            c.Error("spec." + key, $"'{text}' is not https://; a real identity provider is reached over TLS (insecure_allow_http: true admits http:// for a test provider)");
            return null;
        }

        return url;
    }

    private static ClientSecretSource? ReadClientSecret(YamlCursor c, Dictionary<string, YamlNode> spec)
    {
        const string Path = "spec.client_secret";
        if (!spec.TryGetValue("client_secret", out var node))
        {
            c.Error(Path, "required: {file: PATH} or {env: NAME}, where the server reads the client secret");
            return null;
        }

        if (node is YamlScalarNode)
        {
            c.Error(Path, "a secret is never written into a resource: give {file: PATH} or {env: NAME}, where the server reads it");
            return null;
        }

        var map = c.Mapping(node, Path, ClientSecretFields);
        var file = c.String(map, "file", Path);
        var env = c.String(map, "env", Path);
        if ((file is null) == (env is null))
        {
            c.Error(Path, "give exactly one of file and env");
            return null;
        }

        if (file is not null && !System.IO.Path.IsPathRooted(file))
        {
            c.Error(Path + ".file", $"'{file}' is not an absolute path");
            return null;
        }

        if (env is not null && !EnvironmentVariablePattern().IsMatch(env))
        {
            c.Error(Path + ".env", $"'{env}' is not an environment variable name");
            return null;
        }

        return file is not null ? ClientSecretSource.FromFile(file) : ClientSecretSource.FromEnvironment(env!);
    }

    private static List<ClaimMapping> ReadClaimsToRoles(YamlCursor c, Dictionary<string, YamlNode> spec)
    {
        var mappings = new List<ClaimMapping>();
        var items = c.Sequence(spec, "claims_to_roles", "spec");
        if (items.Count == 0)
        {
            c.Error("spec.claims_to_roles", "required: at least one {claim, value, roles}; a user whose claims map to no role cannot sign in");
        }

        for (var i = 0; i < items.Count; i++)
        {
            var at = $"spec.claims_to_roles[{i}]";
            var map = c.Mapping(items[i], at, ClaimMappingFields);
            var claim = c.String(map, "claim", at);
            var value = c.String(map, "value", at);
            var roles = c.Strings(map, "roles", at);
            if (string.IsNullOrEmpty(claim))
            {
                c.Error(at + ".claim", "required: the claim to look at, e.g. groups");
            }

            if (string.IsNullOrEmpty(value))
            {
                c.Error(at + ".value", "required: the value to match, exactly or as a glob (team-*)");
            }

            if (roles.Count == 0)
            {
                c.Error(at + ".roles", "required: the roles given");
            }

            foreach (var role in roles.Where(r => !ResourceReader.RoleNamePattern().IsMatch(r)))
            {
                c.Error(at + ".roles", $"'{role}' is not a valid role name");
            }

            if (!string.IsNullOrEmpty(claim) && !string.IsNullOrEmpty(value) && roles.Count > 0)
            {
                mappings.Add(new ClaimMapping { Claim = claim, Value = value, Roles = roles });
            }
        }

        return mappings;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,127}$")]
    private static partial Regex EnvironmentVariablePattern();

    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9-]{0,62}\.)*[A-Za-z0-9-]{1,63}$")]
    private static partial Regex DomainPattern();
}
