using System.Globalization;
using System.Text.RegularExpressions;
using Postern.Authority;
using Postern.Configuration;
using Postern.Identity;
using Postern.WorkloadIdentity;
using YamlDotNet.RepresentationModel;

namespace Postern.Resources;

/// <summary>Reads one resource document (from YAML, or from the store's JSON turned into the same node tree).</summary>
internal static partial class ResourceReader
{
    private static readonly string[] DocumentFields = ["kind", "version", "metadata", "spec"];
    private static readonly string[] MetadataFields = ["name", "labels", "description"];
    private static readonly string[] RoleSpecFields = ["allow", "deny"];
    private static readonly string[] ConditionFields = ["app_labels", "logins", "rules", "workload_identity_labels"];
    private static readonly string[] RuleFields = ["resources", "verbs"];
    private static readonly string[] AppSpecFields = ["uri", "public_addr", "rewrite", "max_header_bytes", "doctor", "insecure_skip_verify", "workload_access"];
    private static readonly string[] UserSpecFields = ["roles", "traits", "require_totp"];
    private static readonly string[] WorkloadIdentitySpecFields = ["spiffe", "x509", "callers", "rules"];
    private static readonly string[] X509Fields = ["dns_sans"];
    private static readonly string[] SpiffeFields = ["id", "hint"];
    private static readonly string[] WorkloadRulesFields = ["allow"];
    private static readonly string[] WorkloadRuleFields = ["conditions"];
    private static readonly string[] ConditionOperators = ["equals", "in", "glob"];
    private static readonly string[] BotSpecFields = ["roles"];
    private static readonly string[] UserStoredFields = ["roles", "traits", "require_totp", "password_hash", "totp_secret", "totp_secret_sealed", "recovery_codes", "created_at", "external_traits", "connector", "external_subject"];

    /// <summary>
    /// The resource in <paramref name="node"/>, or <c>null</c> with every problem on <paramref name="c"/>.
    /// <paramref name="stored"/> admits the fields only Postern writes (a user's password hash).
    /// </summary>
    public static Resource? Read(YamlCursor c, YamlNode node, bool stored)
    {
        var errors = c.Errors.Count;
        var document = c.Mapping(node, "", DocumentFields);
        if (document is null)
        {
            c.Error("", "expected a resource: a mapping with kind, version, metadata and spec");
            return null;
        }

        var kind = c.String(document, "kind", "");
        var version = c.String(document, "version", "");
        if (version is not (null or "v1"))
        {
            c.Error("version", $"unsupported version '{version}' (expected v1)");
        }

        var metadata = ReadMetadata(c, document);
        var spec = document.TryGetValue("spec", out var specNode) ? specNode : null;
        Resource? resource = kind switch
        {
            null => Missing(c, "kind"),
            ResourceKinds.Role => ReadRole(c, metadata, spec, stored),
            ResourceKinds.App => ReadApp(c, metadata, spec),
            ResourceKinds.User => ReadUser(c, metadata, spec, stored),
            ResourceKinds.WorkloadIdentity => ReadWorkloadIdentity(c, metadata, spec),
            ResourceKinds.Bot => ReadBot(c, metadata, spec),
            ResourceKinds.Oidc => OidcConnectorReader.Read(c, metadata, spec),
            ResourceKinds.TrustDomainFederation => TrustDomainFederationReader.Read(c, metadata, spec),
            _ => Unknown(c, kind),
        };
        return c.Errors.Count == errors ? resource : null;
    }

    private static Resource? Missing(YamlCursor c, string field)
    {
        c.Error(field, "required");
        return null;
    }

    private static Resource? Unknown(YamlCursor c, string kind)
    {
        c.Error("kind", $"unknown kind '{kind}' (expected one of: {string.Join(", ", ResourceKinds.All)})");
        return null;
    }

    private static ResourceMetadata? ReadMetadata(YamlCursor c, Dictionary<string, YamlNode> document)
    {
        var map = document.TryGetValue("metadata", out var node) ? c.Mapping(node, "metadata", MetadataFields) : null;
        var name = c.String(map, "name", "metadata");
        if (name is null)
        {
            c.Error("metadata.name", "required");
            return null;
        }

        return new ResourceMetadata { Name = name, Labels = c.StringMap(map, "labels", "metadata"), Description = c.String(map, "description", "metadata") };
    }

    private static RoleResource? ReadRole(YamlCursor c, ResourceMetadata? metadata, YamlNode? specNode, bool stored)
    {
        if (metadata is not null && !RoleNamePattern().IsMatch(metadata.Name))
        {
            c.Error("metadata.name", $"'{metadata.Name}' is not a valid role name (letters, digits, '.', '_', '-', at most 128 characters)");
        }

        var spec = c.Mapping(specNode, "spec", RoleSpecFields);
        var allow = ReadConditions(c, spec, "allow", stored);
        var deny = ReadConditions(c, spec, "deny", stored);
        return metadata is null ? null : new RoleResource
        {
            Metadata = metadata,
            Role = new Role { Name = metadata.Name, Labels = metadata.Labels, Allow = allow, Deny = deny },
        };
    }

    private static RoleConditions ReadConditions(YamlCursor c, Dictionary<string, YamlNode>? spec, string side, bool stored)
    {
        var path = "spec." + side;
        var map = spec is not null && spec.TryGetValue(side, out var node) ? c.Mapping(node, path, ConditionFields) : null;
        var logins = c.Strings(map, "logins", path);
        for (var i = 0; i < logins.Count; i++)
        {
            CheckTemplate(c, $"{path}.logins[{i}]", logins[i]);
        }

        var rules = new List<ResourceRule>();
        var items = c.Sequence(map, "rules", path);
        for (var i = 0; i < items.Count; i++)
        {
            var rule = c.Mapping(items[i], $"{path}.rules[{i}]", RuleFields);
            var read = new ResourceRule { Resources = c.Strings(rule, "resources", $"{path}.rules[{i}]"), Verbs = c.Strings(rule, "verbs", $"{path}.rules[{i}]") };
            // A stored role is read as written, also one an earlier version stored with rules that name no admin resource
            // (they match nothing); only a role being created is held to the names of AdminRules.
            foreach (var problem in stored ? [] : AdminRules.Problems(read))
            {
                c.Error($"{path}.rules[{i}]", problem);
            }

            rules.Add(read);
        }

        return new RoleConditions
        {
            AppLabels = ReadSelector(c, map, "app_labels", path),
            Logins = logins,
            Rules = rules,
            WorkloadIdentityLabels = ReadSelector(c, map, "workload_identity_labels", path),
        };
    }

    private static Dictionary<string, IReadOnlyList<string>> ReadSelector(YamlCursor c, Dictionary<string, YamlNode>? map, string key, string path)
    {
        var at = YamlCursor.Join(path, key);
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var entries = map is not null && map.TryGetValue(key, out var node) ? c.Mapping(node, at) : null;
        foreach (var (label, value) in entries ?? [])
        {
            var values = value switch
            {
                YamlScalarNode { Value: { } one } => [one],
                YamlSequenceNode => c.Strings(entries, label, at),
                _ => null,
            };
            if (values is null)
            {
                c.Error(YamlCursor.Join(at, label), "expected a string or a list of strings");
                continue;
            }

            for (var i = 0; i < values.Count; i++)
            {
                CheckTemplate(c, YamlCursor.Join(at, label), values[i]);
            }

            result[label] = values;
        }

        return result;
    }

    private static void CheckTemplate(YamlCursor c, string path, string value)
    {
        if (!TraitTemplate.TryParse(value, out _, out var error))
        {
            c.Error(path, error!);
        }
    }

    private static AppResource? ReadApp(YamlCursor c, ResourceMetadata? metadata, YamlNode? specNode)
    {
        if (metadata is not null && !AppConfigReader.AppNamePattern().IsMatch(metadata.Name))
        {
            c.Error("metadata.name", $"'{metadata.Name}' is not a valid name (lowercase letters, digits and '-', at most 63 characters)");
        }

        var spec = c.Mapping(specNode, "spec", AppSpecFields);
        if (spec is null)
        {
            c.Error("spec", "required: uri and public_addr");
            return null;
        }

        var app = AppConfigReader.ReadSpec(c, spec, "spec", metadata?.Name, metadata?.Labels ?? new Dictionary<string, string>());
        return metadata is null || app is null ? null : new AppResource { Metadata = metadata, App = app };
    }

    private static UserResource? ReadUser(YamlCursor c, ResourceMetadata? metadata, YamlNode? specNode, bool stored)
    {
        if (metadata is not null && !UserNamePattern().IsMatch(metadata.Name))
        {
            c.Error("metadata.name", $"'{metadata.Name}' is not a valid user name (lowercase letters, digits, '@', '.', '_', '-', at most 128 characters)");
        }

        var spec = c.Mapping(specNode, "spec", stored ? UserStoredFields : UserSpecFields);
        var traits = ReadTraits(c, spec, "traits");

        SealedKey? sealedTotp = null;
        if (c.String(spec, "totp_secret_sealed", "spec") is { } sealedText && (sealedTotp = SealedTotpSecret.Parse(sealedText)) is null)
        {
            c.Error("spec.totp_secret_sealed", "is not a sealed secret (KEK-ID.CIPHERTEXT)");
        }

        DateTimeOffset created = default;
        if (c.String(spec, "created_at", "spec") is { } text && !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out created))
        {
            c.Error("spec.created_at", $"'{text}' is not a time");
        }

        return metadata is null ? null : new UserResource
        {
            Metadata = metadata with { Labels = new Dictionary<string, string>() },
            User = new User
            {
                Name = metadata.Name,
                Roles = c.Strings(spec, "roles", "spec"),
                Traits = traits,
                PasswordHash = c.String(spec, "password_hash", "spec"),
                TotpSecret = sealedTotp,
                LegacyTotpSecret = c.String(spec, "totp_secret", "spec"),
                RecoveryCodeHashes = c.Strings(spec, "recovery_codes", "spec"),
                RequireTotp = c.Bool(spec, "require_totp", "spec") ?? false,
                CreatedAt = created,
                ExternalTraits = ReadTraits(c, spec, "external_traits"),
                Connector = c.String(spec, "connector", "spec"),
                ExternalSubject = ReadExternalSubject(c, spec),
            },
        };
    }

    private static ExternalSubject? ReadExternalSubject(YamlCursor c, Dictionary<string, YamlNode>? spec)
    {
        const string Path = "spec.external_subject";
        var map = spec is not null && spec.TryGetValue("external_subject", out var node) ? c.Mapping(node, Path, "issuer", "subject") : null;
        if (map is null)
        {
            return null;
        }

        var issuer = c.String(map, "issuer", Path);
        var subject = c.String(map, "subject", Path);
        if (string.IsNullOrEmpty(issuer) || string.IsNullOrEmpty(subject))
        {
            c.Error(Path, "required: issuer and subject");
            return null;
        }

        return new ExternalSubject(issuer, subject);
    }

    private static Dictionary<string, IReadOnlyList<string>> ReadTraits(YamlCursor c, Dictionary<string, YamlNode>? spec, string key)
    {
        var traits = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var path = "spec." + key;
        var traitMap = spec is not null && spec.TryGetValue(key, out var node) ? c.Mapping(node, path) : null;
        foreach (var name in (traitMap ?? []).Keys)
        {
            traits[name] = traitMap![name] is YamlScalarNode { Value: { } one } ? [one] : c.Strings(traitMap, name, path);
        }

        return traits;
    }

    private static WorkloadIdentityResource? ReadWorkloadIdentity(YamlCursor c, ResourceMetadata? metadata, YamlNode? specNode)
    {
        if (metadata is not null && !RoleNamePattern().IsMatch(metadata.Name))
        {
            c.Error("metadata.name", $"'{metadata.Name}' is not a valid name (letters, digits, '.', '_', '-', at most 128 characters)");
        }

        var spec = c.Mapping(specNode, "spec", WorkloadIdentitySpecFields);
        var spiffe = spec is not null && spec.TryGetValue("spiffe", out var spiffeNode) ? c.Mapping(spiffeNode, "spec.spiffe", SpiffeFields) : null;
        SpiffeIdTemplate? template = null;
        if (c.String(spiffe, "id", "spec.spiffe") is not { } idText)
        {
            c.Error("spec.spiffe.id", "required: the SPIFFE ID path, e.g. /svc/{{workload.unix.uid}}");
        }
        else if (!SpiffeIdTemplate.TryParse(idText, out template, out var error))
        {
            c.Error("spec.spiffe.id", error);
        }

        var dnsSans = new List<DnsNameTemplate>();
        var x509 = spec is not null && spec.TryGetValue("x509", out var x509Node) ? c.Mapping(x509Node, "spec.x509", X509Fields) : null;
        var sans = c.Strings(x509, "dns_sans", "spec.x509");
        for (var i = 0; i < sans.Count; i++)
        {
            if (!DnsNameTemplate.TryParse(sans[i], out var san, out var sanError))
            {
                c.Error($"spec.x509.dns_sans[{i}]", sanError);
            }
            else
            {
                dnsSans.Add(san);
            }
        }

        var callers = WorkloadCallersText.Default;
        if (spec is not null && spec.ContainsKey("callers") && !WorkloadCallersText.TryParse(c.Strings(spec, "callers", "spec"), out callers, out var callersError))
        {
            c.Error("spec.callers", callersError);
        }

        var rules = new List<WorkloadRule>();
        var rulesMap = spec is not null && spec.TryGetValue("rules", out var rulesNode) ? c.Mapping(rulesNode, "spec.rules", WorkloadRulesFields) : null;
        var allow = c.Sequence(rulesMap, "allow", "spec.rules");
        for (var i = 0; i < allow.Count; i++)
        {
            var at = $"spec.rules.allow[{i}]";
            var rule = c.Mapping(allow[i], at, WorkloadRuleFields);
            var items = c.Sequence(rule, "conditions", at);
            if (items.Count == 0)
            {
                c.Error(at + ".conditions", "a rule needs at least one condition (leave out rules to admit every caller)");
            }

            var conditions = new List<WorkloadCondition>();
            for (var j = 0; j < items.Count; j++)
            {
                if (ReadCondition(c, items[j], $"{at}.conditions[{j}]") is { } condition)
                {
                    conditions.Add(condition);
                }
            }

            if (conditions.Count == items.Count && ExecutableRuleBoundary.Check(conditions) is { } unbounded)
            {
                c.Error(at + ".conditions", unbounded);
            }

            rules.Add(new WorkloadRule { Conditions = conditions });
        }

        return metadata is null || template is null ? null : new WorkloadIdentityResource
        {
            Metadata = metadata,
            Policy = new WorkloadIdentityPolicy
            {
                Name = metadata.Name,
                Labels = metadata.Labels,
                SpiffeId = template,
                Hint = c.String(spiffe, "hint", "spec.spiffe"),
                DnsSans = dnsSans,
                Callers = callers,
                Rules = rules,
            },
        };
    }

    private static WorkloadCondition? ReadCondition(YamlCursor c, YamlNode node, string at)
    {
        var map = c.Mapping(node, at, ["attribute", .. ConditionOperators]);
        if (map is null)
        {
            return null;
        }

        var attribute = c.String(map, "attribute", at);
        if (attribute is null)
        {
            c.Error(at + ".attribute", $"required (one of {WorkloadAttributes.Expected})");
        }
        else if (!WorkloadAttributes.IsKnown(attribute))
        {
            c.Error(at + ".attribute", $"unknown attribute '{attribute}' (expected one of {WorkloadAttributes.Expected})");
        }
        else if (UnstableAttributes.Refusal(attribute) is { } unstable)
        {
            c.Error(at + ".attribute", unstable);
        }

        var operators = ConditionOperators.Where(map.ContainsKey).ToList();
        if (operators.Count != 1)
        {
            c.Error(at, "a condition has exactly one of: equals, in, glob");
            return null;
        }

        IReadOnlyList<string> values = operators[0] == "in" ? c.Strings(map, "in", at) : c.String(map, operators[0], at) is { } one ? [one] : [];
        if (values.Count == 0)
        {
            c.Error($"{at}.{operators[0]}", operators[0] == "in" ? "expected a non-empty list of strings" : "expected a string");
            return null;
        }

        return attribute is null ? null : new WorkloadCondition
        {
            Attribute = attribute,
            Operator = operators[0] switch
            {
                "equals" => WorkloadConditionOperator.Equals,
                "in" => WorkloadConditionOperator.In,
                _ => WorkloadConditionOperator.Glob,
            },
            Values = values,
        };
    }

    private static BotResource? ReadBot(YamlCursor c, ResourceMetadata? metadata, YamlNode? specNode)
    {
        if (metadata is not null && !AppConfigReader.AppNamePattern().IsMatch(metadata.Name))
        {
            c.Error("metadata.name", $"'{metadata.Name}' is not a valid bot name (lowercase letters, digits and '-', at most 63 characters)");
        }

        var spec = c.Mapping(specNode, "spec", BotSpecFields);
        var roles = c.Strings(spec, "roles", "spec");
        if (roles.Count == 0)
        {
            c.Error("spec.roles", "required: the roles the bot holds");
        }

        return metadata is null ? null : new BotResource { Metadata = metadata, Roles = roles };
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    internal static partial Regex RoleNamePattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9@._-]{0,127}$")]
    internal static partial Regex UserNamePattern();
}
