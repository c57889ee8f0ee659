namespace Postern.Identity;

/// <summary>The roles every cluster has from its first start, as in the reference system.</summary>
public static class PresetRoles
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Everything =
        new Dictionary<string, IReadOnlyList<string>> { ["*"] = ["*"] };

    /// <summary>
    /// <c>access</c>: every app, with the user's own logins. No workload identity: a role that grants one names its
    /// labels (<c>workload_identity_labels</c>), so that no SVID is issued by accident.
    /// </summary>
    public static Role Access { get; } = new()
    {
        Name = "access",
        Allow = new RoleConditions { AppLabels = Everything, Logins = ["{{internal.logins}}"] },
    };

    /// <summary><c>editor</c>: manage every resource through the admin API; not read the audit log, nor probe apps with forged tokens.</summary>
    public static Role Editor { get; } = new()
    {
        Name = "editor",
        Allow = new RoleConditions
        {
            Rules = [new ResourceRule { Resources = [.. AdminRules.Resources.Where(r => r != AdminRules.Audit && r != AdminRules.Doctor)], Verbs = [AdminRules.Any] }],
        },
    };

    /// <summary><c>auditor</c>: read the audit log and list every resource; change nothing.</summary>
    public static Role Auditor { get; } = new()
    {
        Name = "auditor",
        Allow = new RoleConditions
        {
            Rules =
            [
                new ResourceRule { Resources = [AdminRules.Audit], Verbs = [AdminRules.List, AdminRules.Read] },
                new ResourceRule { Resources = [AdminRules.Any], Verbs = [AdminRules.List] },
            ],
        },
    };

    /// <summary>All preset roles.</summary>
    public static IReadOnlyList<Role> All { get; } = [Access, Editor, Auditor];

    /// <summary>
    /// Preset roles as earlier versions seeded them, each with the role that replaces it: a store that still holds one
    /// of them unchanged gets the replacement at start (<c>access</c> before it stopped granting every workload identity; <c>editor</c> and <c>auditor</c> before role
    /// rules named the admin API's resources).
    /// </summary>
    public static IReadOnlyList<(Role Earlier, Role Current)> Superseded { get; } =
    [
        (Access with { Allow = Access.Allow with { WorkloadIdentityLabels = Everything } }, Access),
        (Editor with { Allow = new RoleConditions { Rules = [new ResourceRule { Resources = ["role", "app", "user", "workload_identity", "bot", "lock", "cert_authority"], Verbs = ["*"] }] } }, Editor),
        (Auditor with { Allow = new RoleConditions { Rules = [new ResourceRule { Resources = ["event", "session"], Verbs = ["list", "read"] }] } }, Auditor),
    ];
}
