using Postern.Identity;

namespace Postern.Core.Tests.Identity;

public sealed class AccessCheckerTests
{
    private static readonly User Alice = new()
    {
        Name = "alice",
        Roles = ["dev", "no-prod"],
        Traits = new Dictionary<string, IReadOnlyList<string>> { ["logins"] = ["alice", "root"], ["team"] = ["web"] },
    };

    private static Role Dev => new()
    {
        Name = "dev",
        Allow = new RoleConditions
        {
            AppLabels = new Dictionary<string, IReadOnlyList<string>> { ["env"] = ["dev", "prod"] },
            Logins = ["{{internal.logins}}", "deploy"],
            Rules = [new ResourceRule { Resources = ["app"], Verbs = ["list", "read"] }],
        },
        Deny = new RoleConditions { Logins = ["root"] },
    };

    private static Role NoProd => new()
    {
        Name = "no-prod",
        Deny = new RoleConditions { AppLabels = new Dictionary<string, IReadOnlyList<string>> { ["env"] = ["prod"] } },
    };

    private static Role TeamApps => new()
    {
        Name = "team-apps",
        Allow = new RoleConditions { AppLabels = new Dictionary<string, IReadOnlyList<string>> { ["team"] = ["{{internal.team}}"] } },
    };

    [Fact]
    public void An_allow_rule_whose_labels_match_opens_the_app()
    {
        var decision = AccessChecker.Create(Alice, [Dev]).CheckApp("wiki", Labels(("env", "dev"), ("tier", "web")));
        Assert.True(decision.Allowed);
        Assert.Contains("role 'dev'", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_deny_rule_beats_an_allow_rule()
    {
        var decision = AccessChecker.Create(Alice, [Dev, NoProd]).CheckApp("db", Labels(("env", "prod")));
        Assert.False(decision.Allowed);
        Assert.Contains("denied by role 'no-prod'", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void No_matching_role_refuses_and_names_the_user_and_app()
    {
        var decision = AccessChecker.Create(Alice, [Dev]).CheckApp("ci", Labels(("env", "staging")));
        Assert.False(decision.Allowed);
        Assert.Equal("no role of user 'alice' allows app 'ci' (labels env=staging)", decision.Reason);
        Assert.False(AccessChecker.Create(Alice, [Dev]).CheckApp("bare", Labels()).Allowed);
        Assert.False(default(AccessDecision).Allowed);
    }

    [Fact]
    public void The_wildcard_matches_every_app_and_an_empty_selector_none()
    {
        Assert.True(AccessChecker.Create(Alice, [PresetRoles.Access]).CheckApp("any", Labels()).Allowed);
        Assert.False(AccessChecker.Create(Alice, [PresetRoles.Editor]).CheckApp("any", Labels(("env", "dev"))).Allowed);
    }

    [Fact]
    public void Role_label_values_may_be_trait_templates()
    {
        Assert.True(AccessChecker.Create(Alice, [TeamApps]).CheckApp("web", Labels(("team", "web"))).Allowed);
        Assert.False(AccessChecker.Create(Alice, [TeamApps]).CheckApp("ops", Labels(("team", "ops"))).Allowed);
    }

    [Fact]
    public void Logins_expand_traits_and_drop_denied_ones()
    {
        Assert.Equal(["alice", "deploy"], AccessChecker.Create(Alice, [Dev]).Logins);
        Assert.Equal(["alice", "root"], AccessChecker.Create(Alice, [PresetRoles.Access]).Logins);
    }

    [Fact]
    public void Resource_rules_allow_verbs_and_presets_grant_what_they_say()
    {
        var dev = AccessChecker.Create(Alice, [Dev]);
        Assert.True(dev.Can("app", "read"));
        Assert.False(dev.Can("app", "delete"));
        Assert.False(dev.Can("role", "read"));
        Assert.True(AccessChecker.Create(Alice, [PresetRoles.Editor]).Can("role", "create"));
        Assert.True(AccessChecker.Create(Alice, [PresetRoles.Auditor]).Can("audit", "read"));
        Assert.True(AccessChecker.Create(Alice, [PresetRoles.Auditor]).Can("user", "list"));
        Assert.False(AccessChecker.Create(Alice, [PresetRoles.Auditor]).Can("role", "create"));
        Assert.False(AccessChecker.Create(Alice, [PresetRoles.Editor]).Can("audit", "read"));
        Assert.False(AccessChecker.Create(Alice, [PresetRoles.Access]).Can("user", "list"));
        Assert.Equal(["access", "editor", "auditor"], PresetRoles.All.Select(r => r.Name));
    }

    private static Dictionary<string, string> Labels(params (string Key, string Value)[] labels) => labels.ToDictionary(l => l.Key, l => l.Value);

    [Fact]
    public void A_deny_rule_of_one_role_wins_over_an_allow_of_another_and_the_refusal_names_the_rule()
    {
        var allowApps = new Role { Name = "apps", Allow = new RoleConditions { Rules = [new ResourceRule { Resources = ["app"], Verbs = ["*"] }] } };
        var noDelete = new Role { Name = "no-delete", Deny = new RoleConditions { Rules = [new ResourceRule { Resources = ["*"], Verbs = ["delete"] }] } };
        var checker = AccessChecker.Create(Alice, [allowApps, noDelete]);
        Assert.True(checker.CheckRule("app", "create").Allowed);
        var refused = checker.CheckRule("app", "delete");
        Assert.False(refused.Allowed);
        Assert.Equal("role 'no-delete' denies `delete` on `app`", refused.Reason);
        Assert.Equal("role rules allow no `delete` on `user`", AccessChecker.Create(Alice, [allowApps]).CheckRule("user", "delete").Reason);
    }
}
