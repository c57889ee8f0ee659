using Postern.Resources;
using Postern.WorkloadIdentity;

namespace Postern.Core.Tests.WorkloadIdentity;

/// <summary>The executable is not a boundary by itself: a rule naming it must also name the uid or gid that runs it.</summary>
public sealed class ExecutableRuleBoundaryTests
{
    private const string Refusal = "a rule on the executable (workload.unix.exe, workload.unix.exe_sha256) must also have a condition on workload.unix.uid or workload.unix.gid";

    [Theory]
    [InlineData("exe only", "- { attribute: workload.unix.exe, equals: /usr/bin/curl }")]
    [InlineData("exe glob only", "- { attribute: workload.unix.exe, glob: '/usr/local/bin/*' }")]
    [InlineData("hash only", "- { attribute: workload.unix.exe_sha256, equals: 0123abcd }")]
    [InlineData("exe and hash", "- { attribute: workload.unix.exe, equals: /usr/bin/curl }\n          - { attribute: workload.unix.exe_sha256, equals: 0123abcd }")]
    [InlineData("exe and a join label", "- { attribute: workload.unix.exe, equals: /usr/bin/curl }\n          - { attribute: join.labels.env, equals: prod }")]
    [InlineData("exe and the pid", "- { attribute: workload.unix.exe, equals: /usr/bin/curl }\n          - { attribute: workload.unix.pid, equals: '42' }")]
    public void A_rule_on_the_executable_without_uid_or_gid_is_refused(string name, string conditions)
    {
        var result = ResourceYaml.Parse(Identity(conditions), "wi.yaml");

        Assert.Empty(result.Resources);
        Assert.True(result.Errors.Any(e => e.ToString().Contains("spec.rules.allow[0].conditions: " + Refusal, StringComparison.Ordinal)), $"{name}: {string.Join("; ", result.Errors)}");
    }

    [Theory]
    [InlineData("exe and uid", "- { attribute: workload.unix.exe, equals: /usr/bin/curl }\n          - { attribute: workload.unix.uid, equals: '1000' }")]
    [InlineData("exe and gid", "- { attribute: workload.unix.exe, equals: /usr/bin/curl }\n          - { attribute: workload.unix.gid, in: ['100'] }")]
    [InlineData("hash and uid", "- { attribute: workload.unix.exe_sha256, equals: 0123abcd }\n          - { attribute: workload.unix.uid, equals: '0' }")]
    [InlineData("uid only", "- { attribute: workload.unix.uid, equals: '1000' }")]
    [InlineData("a join label only", "- { attribute: join.labels.env, equals: prod }")]
    public void A_rule_that_names_who_runs_the_executable_or_does_not_name_it_is_accepted(string name, string conditions)
    {
        var result = ResourceYaml.Parse(Identity(conditions), "wi.yaml");

        Assert.True(result.Errors.Count == 0, $"{name}: {string.Join("; ", result.Errors)}");
        Assert.Single(result.Resources);
    }

    [Fact]
    public void A_stored_rule_on_the_executable_alone_is_not_loaded()
    {
        var resource = ResourceYaml.Parse(Identity("- { attribute: workload.unix.uid, equals: '0' }"), "wi.yaml").Resources.Single();
        var json = System.Text.Encoding.UTF8.GetString(ResourceJson.Serialize(resource))
            .Replace("workload.unix.uid", "workload.unix.exe", StringComparison.Ordinal);

        Assert.Null(ResourceJson.Deserialize("workload_identity", System.Text.Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void The_executables_hash_is_an_attribute_rules_can_match()
    {
        var caller = new WorkloadCaller { Kind = WorkloadCallerKind.Bot, Name = "agent", Unix = new UnixAttributes(0, 0, 42, "/bin/app") { ExeSha256 = "ab12" } };
        var condition = new WorkloadCondition { Attribute = WorkloadAttributes.ExeSha256, Operator = WorkloadConditionOperator.Equals, Values = ["ab12"] };

        Assert.True(WorkloadAttributes.IsKnown("workload.unix.exe_sha256"));
        Assert.True(condition.Matches(caller));
        Assert.False(condition.Matches(caller with { Unix = caller.Unix! with { ExeSha256 = "cd34" } }));
        Assert.False(condition.Matches(caller with { Unix = caller.Unix! with { ExeSha256 = null } }));
    }

    private static string Identity(string conditions) => $$"""
        kind: workload_identity
        version: v1
        metadata: { name: pinned }
        spec:
          spiffe: { id: "/svc/pinned" }
          rules:
            allow:
              - conditions:
                  {{conditions}}
        """;
}
