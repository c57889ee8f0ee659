namespace Postern.Resources;

/// <summary>The kinds of resource Postern stores, and where.</summary>
public static class ResourceKinds
{
    /// <summary><c>role</c>.</summary>
    public const string Role = "role";

    /// <summary><c>app</c>.</summary>
    public const string App = "app";

    /// <summary><c>user</c>.</summary>
    public const string User = "user";

    /// <summary><c>workload_identity</c>.</summary>
    public const string WorkloadIdentity = "workload_identity";

    /// <summary><c>bot</c>.</summary>
    public const string Bot = "bot";

    /// <summary><c>oidc</c>: an OpenID Connect identity provider users sign in through.</summary>
    public const string Oidc = "oidc";

    /// <summary><c>trust_domain_federation</c>: a foreign trust domain whose bundle is fetched and trusted.</summary>
    public const string TrustDomainFederation = "trust_domain_federation";

    /// <summary>Every kind.</summary>
    public static IReadOnlyList<string> All { get; } = [Role, App, User, WorkloadIdentity, Bot, Oidc, TrustDomainFederation];
}
