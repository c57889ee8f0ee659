using Postern.Identity;
using Postern.Resources;
using Postern.WorkloadIdentity;

namespace Postern.Core.Tests.WorkloadIdentity;

/// <summary>Workload identity resources: templates, rules, and roles granting them by labels.</summary>
public sealed class PolicyTests
{
    private static readonly WorkloadCaller BotOnUid1000 = new()
    {
        Kind = WorkloadCallerKind.Bot,
        Name = "ci",
        JoinLabels = new Dictionary<string, string> { ["env"] = "prod" },
        Unix = new UnixAttributes(1000, 100, 42, "/usr/local/bin/api"),
    };

    private static readonly WorkloadCaller Alice = new()
    {
        Kind = WorkloadCallerKind.User,
        Name = "alice",
        Traits = new Dictionary<string, IReadOnlyList<string>> { ["team"] = ["web"], ["groups"] = ["a", "b"] },
    };

    private static WorkloadIdentityPolicy Read(string yaml)
    {
        var parsed = ResourceYaml.Parse(yaml, "test.yaml");
        Assert.Empty(parsed.Errors);
        return Assert.IsType<WorkloadIdentityResource>(Assert.Single(parsed.Resources)).Policy;
    }

    private static IReadOnlyList<string> Errors(string yaml) => [.. ResourceYaml.Parse(yaml, "test.yaml").Errors.Select(e => e.ToString())];

    [Theory]
    [InlineData("/uid/{{workload.unix.uid}}", "/uid/1000")]
    [InlineData("/bots/{{bot.name}}/{{ workload.unix.gid }}", "/bots/ci/100")]
    [InlineData("/env/{{join.labels.env}}", "/env/prod")]
    [InlineData("/svc/api", "/svc/api")]
    public void Templates_render_the_callers_attributes(string template, string expected)
    {
        Assert.True(SpiffeIdTemplate.TryParse(template, out var parsed, out var error), error);
        Assert.Equal(expected, parsed.Render(BotOnUid1000, out var renderError));
        Assert.Null(renderError);
    }

    [Theory]
    [InlineData("uid/{{workload.unix.uid}}", "starts with '/'")]
    [InlineData("/uid/{{workload.unix.uid}", "without a matching")]
    [InlineData("/uid/{{workload.unix.uid}}}}", "without")]
    [InlineData("/uid/{{workload.unix.cwd}}", "unknown attribute 'workload.unix.cwd'")]
    [InlineData("/a//{{bot.name}}", "empty segment")]
    [InlineData("/a/../{{bot.name}}", "'..' segment")]
    [InlineData("/a b/{{bot.name}}", "holds")]
    [InlineData("/{{bot.name}}/", "ends with '/'")]
    public void Bad_templates_are_refused_when_read(string template, string expected)
    {
        Assert.False(SpiffeIdTemplate.TryParse(template, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_template_that_renders_an_invalid_id_fails_with_the_reason()
    {
        Assert.True(SpiffeIdTemplate.TryParse("/ns/{{user.traits.team}}", out var template, out _));
        var badTeam = Alice with { Traits = new Dictionary<string, IReadOnlyList<string>> { ["team"] = ["../etc"] } };
        Assert.Null(template.Render(badTeam, out var error));
        Assert.Contains("renders an invalid SPIFFE ID for user/alice", error, StringComparison.Ordinal);

        Assert.True(SpiffeIdTemplate.TryParse("/g/{{user.traits.groups}}", out var many, out _));
        Assert.Null(many.Render(Alice, out error));
        Assert.Contains("needs one value of 'user.traits.groups'; user/alice has 2", error, StringComparison.Ordinal);

        Assert.True(SpiffeIdTemplate.TryParse("/uid/{{workload.unix.uid}}", out var uid, out _));
        Assert.Null(uid.Render(Alice, out error));
        Assert.Contains("needs 'workload.unix.uid', which user/alice does not have", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Rules_admit_on_equals_in_and_glob_and_fail_closed_on_missing_attributes()
    {
        var policy = Read("""
            kind: workload_identity
            version: v1
            metadata: { name: api, labels: { env: prod } }
            spec:
              spiffe: { id: "/svc/api", hint: api }
              callers: [bots, users]
              rules:
                allow:
                  - conditions:
                      - { attribute: workload.unix.uid, in: ["1000", "1001"] }
                      - { attribute: workload.unix.exe, glob: "/usr/local/bin/*" }
                  - conditions:
                      - { attribute: user.traits.groups, equals: b }
            """);
        Assert.Equal("api", policy.Hint);
        Assert.Null(policy.Admits(BotOnUid1000));
        Assert.Null(policy.Admits(Alice));

        var otherUid = BotOnUid1000 with { Unix = new UnixAttributes(2000, 100, 42, "/usr/local/bin/api") };
        Assert.Contains("workload.unix.uid in ['1000', '1001'] (is '2000')", policy.Admits(otherUid), StringComparison.Ordinal);

        var otherExe = BotOnUid1000 with { Unix = new UnixAttributes(1000, 100, 42, "/tmp/api") };
        Assert.Contains("workload.unix.exe glob '/usr/local/bin/*' (is '/tmp/api')", policy.Admits(otherExe), StringComparison.Ordinal);

        // The agent could not read the executable's path: a rule on it does not hold.
        var unreadableExe = BotOnUid1000 with { Unix = new UnixAttributes(1000, 100, 42, null) };
        Assert.Contains("workload.unix.exe glob '/usr/local/bin/*' (is not set)", policy.Admits(unreadableExe), StringComparison.Ordinal);
    }

    [Fact]
    public void Glob_is_anchored_and_treats_other_characters_literally()
    {
        var condition = new WorkloadCondition { Attribute = "bot.name", Operator = WorkloadConditionOperator.Glob, Values = ["ci-?.x*"] };
        Assert.True(condition.Matches(BotOnUid1000 with { Name = "ci-1.xyz" }));
        Assert.False(condition.Matches(BotOnUid1000 with { Name = "ci-1axyz" }));
        Assert.False(condition.Matches(BotOnUid1000 with { Name = "aci-1.x" }));
    }

    [Fact]
    public void Bad_resources_name_every_problem()
    {
        var errors = Errors("""
            kind: workload_identity
            version: v1
            metadata: { name: bad }
            spec:
              spiffe: { id: "/x/{{nope}}" }
              rules:
                allow:
                  - conditions:
                      - { attribute: workload.unix.uid, equals: "1", in: ["2"] }
                      - { attribute: host.name, equals: x }
                  - conditions: []
            """);
        Assert.Contains(errors, e => e.Contains("spec.spiffe.id", StringComparison.Ordinal) && e.Contains("unknown attribute 'nope'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("exactly one of: equals, in, glob", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("unknown attribute 'host.name'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("at least one condition", StringComparison.Ordinal));
    }

    [Fact]
    public void Resources_round_trip_through_the_store_form()
    {
        var yaml = """
            kind: workload_identity
            version: v1
            metadata: { name: api, labels: { env: prod } }
            spec:
              spiffe: { id: "/svc/{{workload.unix.uid}}" }
              rules:
                allow:
                  - conditions:
                      - { attribute: workload.unix.uid, in: ["1000"] }
                      - { attribute: bot.name, glob: "ci-*" }
            ---
            kind: bot
            version: v1
            metadata: { name: ci }
            spec: { roles: [workload] }
            """;
        var parsed = ResourceYaml.Parse(yaml, "test.yaml");
        Assert.Empty(parsed.Errors);
        foreach (var resource in parsed.Resources)
        {
            var back = ResourceJson.Deserialize(resource.Kind, ResourceJson.Serialize(resource));
            Assert.NotNull(back);
            Assert.Equal(ResourceYaml.Render(resource), ResourceYaml.Render(back!));
        }

        var bot = Assert.IsType<BotResource>(parsed.Resources[1]);
        Assert.Equal(["workload"], bot.Roles);
    }

    [Fact]
    public void Roles_grant_workload_identities_by_labels_and_deny_wins()
    {
        var grant = new Role { Name = "workload", Allow = new RoleConditions { WorkloadIdentityLabels = new Dictionary<string, IReadOnlyList<string>> { ["env"] = ["*"] } } };
        var noProd = new Role { Name = "no-prod", Deny = new RoleConditions { WorkloadIdentityLabels = new Dictionary<string, IReadOnlyList<string>> { ["env"] = ["prod"] } } };
        var dev = new Dictionary<string, string> { ["env"] = "dev" };
        var prod = new Dictionary<string, string> { ["env"] = "prod" };

        Assert.True(AccessChecker.ForBot("ci", [grant]).CheckWorkloadIdentity("api", prod).Allowed);
        var denied = AccessChecker.ForBot("ci", [grant, noProd]).CheckWorkloadIdentity("api", prod);
        Assert.False(denied.Allowed);
        Assert.Contains("denied by role 'no-prod'", denied.Reason, StringComparison.Ordinal);
        Assert.True(AccessChecker.ForBot("ci", [grant, noProd]).CheckWorkloadIdentity("api", dev).Allowed);
        var none = AccessChecker.ForBot("ci", [noProd]).CheckWorkloadIdentity("api", dev);
        Assert.Equal("no role of bot 'ci' allows workload identity 'api' (labels env=dev)", none.Reason);

        // App labels do not grant workload identities.
        var appsOnly = new Role { Name = "apps", Allow = new RoleConditions { AppLabels = new Dictionary<string, IReadOnlyList<string>> { ["*"] = ["*"] } } };
        Assert.False(AccessChecker.ForBot("ci", [appsOnly]).CheckWorkloadIdentity("api", dev).Allowed);
    }
}
