using Postern.Resources;
using Postern.WorkloadIdentity;

namespace Postern.Core.Tests.WorkloadIdentity;

/// <summary>
/// A caller's attribute values may not steer the SPIFFE ID a template names: a value is one segment unless the
/// template marks it a path, a path value cannot climb or hide a separator, the pid is refused, and a glob cannot
/// hang an issuance.
/// </summary>
public sealed class TemplateSteeringTests
{
    private static readonly WorkloadCaller Alice = new()
    {
        Kind = WorkloadCallerKind.User,
        Name = "alice",
        Traits = new Dictionary<string, IReadOnlyList<string>> { ["team"] = ["web"] },
    };

    private static readonly WorkloadCaller Agent = new()
    {
        Kind = WorkloadCallerKind.Bot,
        Name = "ci",
        Unix = new UnixAttributes(1000, 100, 42, "/usr/local/bin/api"),
    };

    private static WorkloadCaller WithTeam(string team) => Alice with { Traits = new Dictionary<string, IReadOnlyList<string>> { ["team"] = [team] } };

    private static SpiffeIdTemplate Parse(string text)
    {
        Assert.True(SpiffeIdTemplate.TryParse(text, out var template, out var error), error);
        return template;
    }

    private static IReadOnlyList<string> Errors(string yaml) => [.. ResourceYaml.Parse(yaml, "test.yaml").Errors.Select(e => e.ToString())];

    // An SSO trait comes from the identity provider: its value is the attacker's to choose.
    [Theory]
    [InlineData("slash adds a segment", "payments/admin", "holds '/'")]
    [InlineData("leading slash", "/admin", "holds '/'")]
    [InlineData("dot-dot segment", "..", "holds '..'")]
    [InlineData("dot-dot inside", "a..b", "holds '..'")]
    [InlineData("single dot", ".", "is '.'")]
    [InlineData("percent-encoded slash", "payments%2Fadmin", "holds '%'")]
    [InlineData("newline", "payments\nadmin", "holds '\\u000a'")]
    [InlineData("nul", "payments\0", "holds '\\u0000'")]
    [InlineData("delete", "payments\u007f", "holds '\\u007f'")]
    [InlineData("empty", "", "is empty")]
    [InlineData("at sign", "a@b", "holds '@'")]
    public void An_unmarked_value_is_one_segment_or_the_issuance_is_refused_naming_the_variable(string row, string team, string expected)
    {
        var template = Parse("/ns/{{user.traits.team}}/svc");
        Assert.Null(template.Render(WithTeam(team), out var error));
        Assert.NotNull(error);
        Assert.True(error.Contains("the value of 'user.traits.team'", StringComparison.Ordinal) && error.Contains(expected, StringComparison.Ordinal), $"{row}: {error}");
    }

    [Fact]
    public void A_slash_in_an_unmarked_value_is_refused_with_the_marker_to_use()
    {
        var template = Parse("/env/{{join.labels.env}}");
        var bot = Agent with { JoinLabels = new Dictionary<string, string> { ["env"] = "payments/admin" } };
        Assert.Null(template.Render(bot, out var error));
        Assert.Equal(
            "the template '/env/{{join.labels.env}}' renders an invalid SPIFFE ID for bot/ci: the value of 'join.labels.env' ('payments/admin') holds '/'; a value fills one segment unless the template marks it a path: {{path(join.labels.env)}}",
            error);
    }

    [Theory]
    [InlineData("two segments", "/ns/{{path(user.traits.team)}}", "a/b", "/ns/a/b")]
    [InlineData("spaces inside the braces", "/ns/{{ path( user.traits.team ) }}/x", "a/b/c", "/ns/a/b/c/x")]
    [InlineData("one segment", "/ns/{{path(user.traits.team)}}", "a", "/ns/a")]
    [InlineData("absolute path after a literal", "/fs{{path(user.traits.team)}}", "/srv/a", "/fs/srv/a")]
    public void A_path_marked_value_may_hold_slashes(string row, string text, string team, string expected)
    {
        var rendered = Parse(text).Render(WithTeam(team), out var error);
        Assert.True(expected == rendered, $"{row}: {rendered} {error}");
    }

    [Fact]
    public void An_executable_path_fills_a_path_marked_variable()
    {
        Assert.Equal("/exe/usr/local/bin/api", Parse("/exe{{path(workload.unix.exe)}}").Render(Agent, out var error));
        Assert.Null(error);

        Assert.Null(Parse("/exe/{{workload.unix.exe}}").Render(Agent, out error));
        Assert.Contains("the value of 'workload.unix.exe' ('/usr/local/bin/api') holds '/'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dot-dot segment", "a/../b", "holds '..'")]
    [InlineData("dot-dot at the start", "../b", "holds '..'")]
    [InlineData("dot segment", "a/./b", "has a '.' segment")]
    [InlineData("empty segment", "a//b", "has an empty segment")]
    [InlineData("trailing slash", "a/", "ends with '/'")]
    [InlineData("only a slash", "/", "ends with '/'")]
    [InlineData("percent-encoded dots", "a/%2e%2e/b", "holds '%'")]
    [InlineData("tab", "a/\tb", "holds '\\u0009'")]
    [InlineData("empty", "", "is empty")]
    public void A_path_marked_value_still_may_not_climb_or_hide_a_separator(string row, string team, string expected)
    {
        Assert.Null(Parse("/ns/{{path(user.traits.team)}}").Render(WithTeam(team), out var error));
        Assert.NotNull(error);
        Assert.True(error.Contains("the value of 'user.traits.team'", StringComparison.Ordinal) && error.Contains(expected, StringComparison.Ordinal), $"{row}: {error}");
    }

    [Fact]
    public void A_path_value_that_starts_with_a_slash_after_a_slash_is_refused_as_an_empty_segment()
    {
        Assert.Null(Parse("/ns/{{path(user.traits.team)}}").Render(WithTeam("/a"), out var error));
        Assert.Contains("empty segment", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no attribute", "/x/{{path()}}", "unknown attribute ''")]
    [InlineData("unknown attribute", "/x/{{path(workload.unix.cwd)}}", "unknown attribute 'workload.unix.cwd'")]
    [InlineData("unknown function", "/x/{{segment(bot.name)}}", "unknown function 'segment' (expected path(<attribute>))")]
    [InlineData("unclosed call", "/x/{{path(bot.name}}", "'path(' without a closing ')'")]
    public void A_bad_path_marker_is_refused_when_read(string row, string text, string expected)
    {
        Assert.False(SpiffeIdTemplate.TryParse(text, out _, out var error), row);
        Assert.True(error.Contains(expected, StringComparison.Ordinal), $"{row}: {error}");
    }

    [Theory]
    [InlineData("in a template", "/p/{{workload.unix.pid}}")]
    [InlineData("path-marked in a template", "/p/{{path(workload.unix.pid)}}")]
    public void The_pid_is_refused_in_a_template(string row, string text)
    {
        Assert.False(SpiffeIdTemplate.TryParse(text, out _, out var error), row);
        Assert.Contains("'workload.unix.pid' may not be used: a process id changes with every process", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_pid_is_refused_in_a_template_and_in_a_rule_when_the_resource_is_created()
    {
        var errors = Errors("""
            kind: workload_identity
            version: v1
            metadata: { name: by-pid }
            spec:
              spiffe: { id: "/p/{{workload.unix.pid}}" }
              rules:
                allow:
                  - conditions:
                      - { attribute: workload.unix.pid, equals: "4242" }
            """);
        Assert.Contains(errors, e => e.Contains("spec.spiffe.id", StringComparison.Ordinal) && e.Contains("'workload.unix.pid' may not be used", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("spec.rules.allow[0].conditions[0].attribute", StringComparison.Ordinal) && e.Contains("'workload.unix.pid' may not be used", StringComparison.Ordinal));
    }

    [Fact]
    public void Globs_compile_without_backtracking()
    {
        var condition = new WorkloadCondition { Attribute = "bot.name", Operator = WorkloadConditionOperator.Glob, Values = ["c?*"] };
        Assert.True(condition.Matches(Agent));
        Assert.True(GlobPattern.ToRegex("c?*").Options.HasFlag(System.Text.RegularExpressions.RegexOptions.NonBacktracking));
    }

    [Fact]
    public void A_pathological_glob_on_a_long_value_is_answered_not_timed_out()
    {
        // (a*)*b in glob terms: with backtracking, a run of 'a' without the 'b' takes longer than any timeout.
        var policy = new WorkloadIdentityPolicy
        {
            Name = "exe",
            SpiffeId = Parse("/exe"),
            Rules = [new WorkloadRule { Conditions = [new WorkloadCondition { Attribute = "workload.unix.exe", Operator = WorkloadConditionOperator.Glob, Values = ["*a*a*a*a*a*a*b"] }] }],
        };
        var caller = Agent with { Unix = new UnixAttributes(1000, 100, 42, "/" + new string('a', 20_000)) };

        var refused = policy.Admits(caller);
        Assert.NotNull(refused);
        Assert.Contains("workload.unix.exe glob '*a*a*a*a*a*a*b'", refused, StringComparison.Ordinal);
    }

    [Fact]
    public void A_glob_that_times_out_does_not_admit_and_says_why()
    {
        var slow = new WorkloadCondition { Attribute = "workload.unix.exe", Operator = WorkloadConditionOperator.Glob, Values = ["*b"], GlobTimeout = TimeSpan.FromTicks(1) };
        var policy = new WorkloadIdentityPolicy
        {
            Name = "exe",
            SpiffeId = Parse("/exe"),
            Rules = [new WorkloadRule { Conditions = [slow] }],
        };
        var caller = Agent with { Unix = new UnixAttributes(1000, 100, 42, "/" + new string('a', 4_000_000)) };

        var refused = policy.Admits(caller);
        Assert.Equal("no rule of workload identity 'exe' admits bot/ci: workload.unix.exe glob '*b' (gave up after 0.0001 ms)", refused);
    }

    [Fact]
    public void A_rule_whose_glob_times_out_does_not_keep_another_rule_from_admitting()
    {
        var slow = new WorkloadCondition { Attribute = "workload.unix.exe", Operator = WorkloadConditionOperator.Glob, Values = ["*b"], GlobTimeout = TimeSpan.FromTicks(1) };
        var byUid = new WorkloadCondition { Attribute = "workload.unix.uid", Operator = WorkloadConditionOperator.Equals, Values = ["1000"] };
        var policy = new WorkloadIdentityPolicy
        {
            Name = "exe",
            SpiffeId = Parse("/exe"),
            Rules = [new WorkloadRule { Conditions = [slow] }, new WorkloadRule { Conditions = [byUid] }],
        };
        var caller = Agent with { Unix = new UnixAttributes(1000, 100, 42, "/" + new string('a', 4_000_000)) };

        Assert.Null(policy.Admits(caller));
    }
}
