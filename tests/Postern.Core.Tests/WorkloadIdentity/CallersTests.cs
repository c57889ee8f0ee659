using Postern.Resources;
using Postern.WorkloadIdentity;

namespace Postern.Core.Tests.WorkloadIdentity;

/// <summary><c>spec.callers</c>: which kinds of caller a workload identity goes to; bots only unless it says otherwise.</summary>
public sealed class CallersTests
{
    private static readonly WorkloadCaller Bot = new() { Kind = WorkloadCallerKind.Bot, Name = "ci" };

    private static readonly WorkloadCaller User = new() { Kind = WorkloadCallerKind.User, Name = "alice" };

    private static string Yaml(string callers) => $$"""
        kind: workload_identity
        version: v1
        metadata: { name: billing }
        spec:
          spiffe: { id: /svc/billing }
          {{callers}}
        """;

    [Theory]
    [InlineData("", true, false)]
    [InlineData("callers: [bots]", true, false)]
    [InlineData("callers: [users]", false, true)]
    [InlineData("callers: [users, bots]", true, true)]
    public void An_identity_goes_to_the_kinds_of_caller_it_names_and_to_bots_only_when_silent(string callers, bool bot, bool user)
    {
        var policy = Read(Yaml(callers));

        Assert.Equal(bot, policy.Admits(Bot) is null);
        Assert.Equal(user, policy.Admits(User) is null);
    }

    [Fact]
    public void A_refusal_names_the_identity_its_callers_and_the_caller()
    {
        Assert.Equal("workload identity 'billing' is for bots only (spec.callers); user/alice is a user", Read(Yaml("")).Admits(User));
        Assert.Equal("workload identity 'billing' is for users only (spec.callers); bot/ci is a bot", Read(Yaml("callers: [users]")).Admits(Bot));
    }

    [Theory]
    [InlineData("callers: [robots]", "spec.callers: 'robots' is not a kind of caller (expected bots, users)")]
    [InlineData("callers: []", "spec.callers: name at least one kind of caller: bots, users (leave out callers for bots only)")]
    [InlineData("callers: [Users]", "spec.callers: 'Users' is not a kind of caller (expected bots, users)")]
    public void Bad_callers_are_refused_when_read(string callers, string expected)
    {
        var errors = ResourceYaml.Parse(Yaml(callers), "test.yaml").Errors.Select(e => e.ToString()).ToList();

        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("", null)]
    [InlineData("callers: [bots]", null)]
    [InlineData("callers: [bots, users]", "[\"users\",\"bots\"]")]
    [InlineData("callers: [users]", "[\"users\"]")]
    public void Callers_survive_the_store_and_the_default_is_not_written(string callers, string? written)
    {
        var resource = Assert.IsType<WorkloadIdentityResource>(Assert.Single(ResourceYaml.Parse(Yaml(callers), "test.yaml").Resources));
        var json = ResourceJson.Serialize(resource);
        var spec = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("spec");

        Assert.Equal(written, spec.TryGetProperty("callers", out var value) ? value.GetRawText() : null);
        var back = Assert.IsType<WorkloadIdentityResource>(ResourceJson.Deserialize(ResourceKinds.WorkloadIdentity, json));
        Assert.Equal(resource.Policy.Callers, back.Policy.Callers);
    }

    private static WorkloadIdentityPolicy Read(string yaml)
    {
        var parsed = ResourceYaml.Parse(yaml, "test.yaml");
        Assert.Empty(parsed.Errors);
        return Assert.IsType<WorkloadIdentityResource>(Assert.Single(parsed.Resources)).Policy;
    }
}
