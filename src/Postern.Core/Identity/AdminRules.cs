namespace Postern.Identity;

/// <summary>
/// The resources and verbs of role rules (<c>allow.rules</c>, <c>deny.rules</c>): what the admin API checks before each
/// request. <c>*</c> stands for every resource or every verb.
/// </summary>
public static class AdminRules
{
    public const string Any = "*";

    public const string List = "list";
    public const string Read = "read";
    public const string Create = "create";
    public const string Update = "update";
    public const string Delete = "delete";

    public const string User = "user";
    public const string Role = "role";
    public const string App = "app";
    public const string WorkloadIdentity = "workload_identity";
    public const string Bot = "bot";
    public const string Lock = "lock";
    public const string OidcConnector = "oidc_connector";
    public const string Authority = "authority";
    public const string Audit = "audit";
    public const string TrustDomainFederation = "trust_domain_federation";

    /// <summary>
    /// <c>postern doctor app</c> on any app (verb <c>create</c>: it sends the app forged assertions); without it, only apps
    /// with <c>doctor: {allow: true}</c> may be probed.
    /// </summary>
    public const string Doctor = "doctor";

    /// <summary>Every verb a rule may name.</summary>
    public static IReadOnlyList<string> Verbs { get; } = [List, Read, Create, Update, Delete];

    /// <summary>Every resource a rule may name.</summary>
    public static IReadOnlyList<string> Resources { get; } = [User, Role, App, WorkloadIdentity, Bot, Lock, OidcConnector, Authority, Audit, TrustDomainFederation, Doctor];

    /// <summary>The rule resource of a resource kind of <c>postern create</c> (<c>oidc</c> → <c>oidc_connector</c>; the others by their own name).</summary>
    public static string OfKind(string kind) => kind == global::Postern.Resources.ResourceKinds.Oidc ? OidcConnector : kind;

    /// <summary>What is wrong with <paramref name="rule"/>, or nothing.</summary>
    public static IEnumerable<string> Problems(ResourceRule rule)
    {
        if (rule.Resources.Count == 0)
        {
            yield return $"resources: name at least one of {string.Join(", ", Resources)} (or *)";
        }

        foreach (var resource in rule.Resources.Where(r => r != Any && !Resources.Contains(r)))
        {
            yield return $"resources: '{resource}' is not a resource (expected one of {string.Join(", ", Resources)}, or *)";
        }

        if (rule.Verbs.Count == 0)
        {
            yield return $"verbs: name at least one of {string.Join(", ", Verbs)} (or *)";
        }

        foreach (var verb in rule.Verbs.Where(v => v != Any && !Verbs.Contains(v)))
        {
            yield return $"verbs: '{verb}' is not a verb (expected one of {string.Join(", ", Verbs)}, or *)";
        }
    }
}
