using System.Text.RegularExpressions;
using Postern.AppAccess;
using YamlDotNet.RepresentationModel;

namespace Postern.Configuration;

/// <summary>Reads the <c>apps</c> list of <c>postern.yaml</c>.</summary>
internal static partial class AppConfigReader
{
    private static readonly string[] AppFields = ["name", "uri", "public_addr", "labels", "rewrite", "max_header_bytes", "doctor", "insecure_skip_verify", "workload_access"];
    private static readonly string[] RewriteFields = ["headers", "jwt_claims", "redirect"];
    private static readonly string[] JwtClaimsFields = ["include", "traits", "groups_filter", "roles_filter"];
    private static readonly string[] DoctorFields = ["allow"];

    /// <param name="web">Postern's configured public address, which no app may use; <c>null</c> when not configured.</param>
    public static IReadOnlyList<AppConfig> Read(YamlCursor c, Dictionary<string, YamlNode>? root, PublicAddr? web)
    {
        var apps = new List<AppConfig>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var items = c.Sequence(root, "apps", "");
        for (var i = 0; i < items.Count; i++)
        {
            var path = $"apps[{i}]";
            var map = c.Mapping(items[i], path, AppFields);
            if (map is null)
            {
                c.Error(path, "expected a mapping with name, uri and public_addr");
                continue;
            }

            var name = c.String(map, "name", path);
            if (name is null)
            {
                c.Error($"{path}.name", "required");
            }
            else if (!AppNamePattern().IsMatch(name))
            {
                c.Error($"{path}.name", $"'{name}' is not a valid name (lowercase letters, digits and '-', at most 63 characters)");
            }
            else if (!names.Add(name))
            {
                c.Error($"{path}.name", $"another app is already named '{name}'");
            }

            var publicAddr = c.String(map, "public_addr", path);
            if (publicAddr is not null && AppHostPattern().IsMatch(publicAddr) && !hosts.Add(publicAddr))
            {
                c.Error($"{path}.public_addr", $"another app already uses '{publicAddr}'");
            }

            if (publicAddr is not null && web is not null && WebAddressOverlap.Problem(publicAddr, web) is { } overlap)
            {
                c.Error($"{path}.public_addr", overlap);
            }

            var app = ReadSpec(c, map, path, name, c.StringMap(map, "labels", path));
            if (app is not null)
            {
                apps.Add(app);
            }
        }

        return apps;
    }

    /// <summary>
    /// The fields every app has wherever it is declared (<c>uri</c>, <c>public_addr</c>, <c>rewrite</c>,
    /// <c>insecure_skip_verify</c>), for an app whose name and labels were read by the caller; <c>null</c> when
    /// anything is wrong (each problem is reported on <paramref name="c"/>).
    /// </summary>
    internal static AppConfig? ReadSpec(YamlCursor c, Dictionary<string, YamlNode> map, string path, string? name, IReadOnlyDictionary<string, string> labels)
    {
        var errors = c.Errors.Count;
        var uriText = c.String(map, "uri", path);
        Uri? uri = null;
        if (uriText is null)
        {
            c.Error($"{path}.uri", "required");
        }
        else if (!Uri.TryCreate(uriText, UriKind.Absolute, out uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
        {
            c.Error($"{path}.uri", $"'{uriText}' is not an absolute http:// or https:// URI");
            uri = null;
        }

        var publicAddr = c.String(map, "public_addr", path);
        if (publicAddr is null)
        {
            c.Error($"{path}.public_addr", "required");
        }
        else if (!AppHostPattern().IsMatch(publicAddr))
        {
            c.Error($"{path}.public_addr", $"'{publicAddr}' is not a host name with an optional port (no scheme, no path)");
        }

        var rewrite = ReadRewrite(c, map, $"{path}.rewrite", name ?? "?");
        var insecure = c.Bool(map, "insecure_skip_verify", path) ?? false;
        var maxHeaderBytes = c.Integer(map, "max_header_bytes", path) ?? AppConfig.DefaultMaxHeaderBytes;
        if (maxHeaderBytes < AppConfig.MinMaxHeaderBytes)
        {
            c.Error($"{path}.max_header_bytes", $"{maxHeaderBytes} is too small: the budget for the headers sent to the app must be at least {AppConfig.MinMaxHeaderBytes} bytes");
        }

        var doctor = map.TryGetValue("doctor", out var doctorNode) ? c.Mapping(doctorNode, $"{path}.doctor", DoctorFields) : null;
        var doctorAllowed = c.Bool(doctor, "allow", $"{path}.doctor") ?? false;
        var workloads = WorkloadAccessConfig.Read(c, map, path);
        return name is null || uri is null || publicAddr is null || c.Errors.Count != errors ? null : new AppConfig
        {
            Name = name,
            Uri = uri,
            PublicAddr = publicAddr.ToLowerInvariant(),
            Labels = labels,
            Rewrite = rewrite,
            MaxHeaderBytes = maxHeaderBytes,
            DoctorAllowed = doctorAllowed,
            InsecureSkipVerify = insecure,
            WorkloadAccess = workloads,
        };
    }

    private static AppRewriteConfig ReadRewrite(YamlCursor c, Dictionary<string, YamlNode> app, string path, string appName)
    {
        var map = app.TryGetValue("rewrite", out var node) ? c.Mapping(node, path, RewriteFields) : null;
        var headers = c.Strings(map, "headers", path);
        var rules = new List<HeaderRewriteRule>(headers.Count);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < headers.Count; i++)
        {
            if (!HeaderRewrite.TryParse(headers[i], out var rule, out var error))
            {
                c.Error($"{path}.headers[{i}]", $"app '{appName}': {error}");
            }
            else if (!names.Add(rule!.Name))
            {
                c.Error($"{path}.headers[{i}]", $"app '{appName}': '{headers[i]}' sets '{rule.Name}' a second time");
            }
            else
            {
                rules.Add(rule);
            }
        }

        var (mode, filters) = ReadJwtClaims(c, map, path, appName);
        return new AppRewriteConfig { Headers = headers, HeaderRules = rules, JwtClaims = mode, ClaimFilters = filters, Redirect = c.Strings(map, "redirect", path) };
    }

    /// <summary><c>jwt_claims</c>: a mode (<c>roles</c>), or a mapping with the mode in <c>include</c> and the filters.</summary>
    private static (JwtClaimsMode Mode, AssertionClaimFilters Filters) ReadJwtClaims(YamlCursor c, Dictionary<string, YamlNode>? rewrite, string rewritePath, string appName)
    {
        var path = $"{rewritePath}.jwt_claims";
        if (rewrite is null || !rewrite.TryGetValue("jwt_claims", out var node) || node is not YamlMappingNode)
        {
            return (Mode(c, c.String(rewrite, "jwt_claims", rewritePath), path), AssertionClaimFilters.None);
        }

        var map = c.Mapping(node, path, JwtClaimsFields);
        var mode = Mode(c, c.String(map, "include", path), $"{path}.include");
        var traits = map is not null && map.ContainsKey("traits") ? c.Strings(map, "traits", path) : null;
        return (mode, new AssertionClaimFilters
        {
            Traits = traits,
            GroupsFilter = Filter(c, map, "groups_filter", path, appName),
            RolesFilter = Filter(c, map, "roles_filter", path, appName),
        });
    }

    private static JwtClaimsMode Mode(YamlCursor c, string? text, string path) => text switch
    {
        null or "roles-and-traits" => JwtClaimsMode.RolesAndTraits,
        "roles" => JwtClaimsMode.Roles,
        "traits" => JwtClaimsMode.Traits,
        "none" => JwtClaimsMode.None,
        var other => Invalid(c, path, other),
    };

    private static Regex? Filter(YamlCursor c, Dictionary<string, YamlNode>? map, string key, string path, string appName)
    {
        if (c.String(map, key, path) is not { } pattern)
        {
            return null;
        }

        var regex = AssertionClaimFilters.TryCompile(pattern, out var error);
        if (regex is null)
        {
            c.Error($"{path}.{key}", $"app '{appName}': {error}");
        }

        return regex;
    }

    private static JwtClaimsMode Invalid(YamlCursor c, string path, string value)
    {
        c.Error(path, $"unknown value '{value}' (expected roles-and-traits, roles, traits or none)");
        return JwtClaimsMode.RolesAndTraits;
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    internal static partial Regex AppNamePattern();

    [GeneratedRegex(@"^(?=.{1,253}(:|$))[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?$")]
    private static partial Regex AppHostPattern();
}
