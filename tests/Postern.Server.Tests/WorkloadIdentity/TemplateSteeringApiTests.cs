using System.Net;
using System.Net.Http.Json;
using System.Text;
using Postern.Server.Tests.Infrastructure;
using Postern.Testing;
using Postern.WorkloadIdentity.Api;

namespace Postern.Server.Tests.WorkloadIdentity;

/// <summary>
/// Over the HTTP API: a caller's values cannot steer the SPIFFE ID it is issued, the pid is refused when a workload
/// identity is created, and a pathological glob is a refusal with a reason, never a 500.
/// </summary>
public sealed class TemplateSteeringApiTests : RunningServerTests
{
    private const string ByTeam = """
        kind: role
        version: v1
        metadata: { name: steer }
        spec:
          allow:
            workload_identity_labels: { kind: steer }
        ---
        kind: workload_identity
        version: v1
        metadata: { name: by-team, labels: { kind: steer } }
        spec:
          spiffe: { id: "/team/{{join.labels.team}}" }
        """;

    private const string PathMarked = """
        kind: workload_identity
        version: v1
        metadata: { name: by-tree, labels: { kind: steer } }
        spec:
          spiffe: { id: "/tree/{{path(join.labels.tree)}}" }
        """;

    private WorkloadClient Client => new(Server);

    private AdminApi Admin => new(Server);

    [Fact]
    public async Task A_label_that_would_add_a_segment_is_refused_naming_the_variable_and_the_denial_is_audited()
    {
        await Admin.CreateAsync(ByTeam);
        var credential = await Client.JoinNewBotAsync("steerer", "steer", new Dictionary<string, string> { ["team"] = "payments/admin" });

        var (status, body) = await Client.IssueAsync(credential, new JwtSvidRequest(["a"]));
        Assert.True(status == HttpStatusCode.Forbidden, body.ToString());
        var reasons = body.GetProperty("details").EnumerateArray().Select(r => r.GetString()!).ToList();
        Assert.Contains(reasons, r => r.Contains("workload identity 'by-team'", StringComparison.Ordinal)
            && r.Contains("the value of 'join.labels.team' ('payments/admin') holds '/'", StringComparison.Ordinal));

        var denied = Assert.Single(await Admin.AuditAsync("jwt_svid.denied"), e => e.GetProperty("bot").GetString() == "steerer");
        Assert.Contains(denied.GetProperty("reasons").EnumerateArray(), r => r.GetString()!.Contains("'join.labels.team'", StringComparison.Ordinal));
        Assert.DoesNotContain(await Admin.AuditAsync("jwt_svid.issued"), e => e.GetProperty("bot").GetString() == "steerer");
    }

    [Fact]
    public async Task A_path_marked_label_may_hold_slashes_but_not_climb()
    {
        await Admin.CreateAsync(ByTeam);
        await Admin.CreateAsync(PathMarked);
        var tree = await Client.JoinNewBotAsync("tree", "steer", new Dictionary<string, string> { ["team"] = "web", ["tree"] = "a/b" });
        var climber = await Client.JoinNewBotAsync("climber", "steer", new Dictionary<string, string> { ["team"] = "web", ["tree"] = "a/../b" });

        var (status, body) = await Client.IssueAsync(tree, new JwtSvidRequest(["a"]));
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal(
            ["spiffe://test.example.com/team/web", "spiffe://test.example.com/tree/a/b"],
            body.GetProperty("svids").EnumerateArray().Select(s => s.GetProperty("spiffe_id").GetString()).Order(StringComparer.Ordinal));

        // The climber still gets by-team; by-tree is refused with the reason, and the refusal is not hidden.
        (status, body) = await Client.IssueAsync(climber, new JwtSvidRequest(["a"], SpiffeId: "spiffe://test.example.com/b"));
        Assert.True(status == HttpStatusCode.Forbidden, body.ToString());
        Assert.Contains(
            body.GetProperty("details").EnumerateArray(),
            r => r.GetString()!.Contains("workload identity 'by-tree'", StringComparison.Ordinal) && r.GetString()!.Contains("the value of 'join.labels.tree' ('a/../b') holds '..'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("pid in the template", "spiffe: { id: \"/p/{{workload.unix.pid}}\" }", "spec.spiffe.id")]
    [InlineData("pid in a rule", "spiffe: { id: \"/p\" }\n  rules: { allow: [ { conditions: [ { attribute: workload.unix.pid, equals: \"4242\" } ] } ] }", "spec.rules.allow[0].conditions[0].attribute")]
    public async Task The_pid_is_refused_when_a_workload_identity_is_created(string row, string spec, string field)
    {
        var yaml = $"kind: workload_identity\nversion: v1\nmetadata: {{ name: by-pid }}\nspec:\n  {spec}\n";
        using var response = await Admin.SendAsync(HttpMethod.Post, "resources", new StringContent(yaml, Encoding.UTF8, "application/yaml"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{row}: {response.StatusCode} {text}");
        Assert.Contains(field, text, StringComparison.Ordinal);
        Assert.Contains("'workload.unix.pid' may not be used: a process id changes with every process", text, StringComparison.Ordinal);

        using var listed = await Admin.SendAsync(HttpMethod.Get, "resources/workload_identity/by-pid");
        Assert.Equal(HttpStatusCode.NotFound, listed.StatusCode);
    }

    [Fact]
    public async Task A_pathological_glob_on_a_long_executable_path_is_a_refusal_with_a_reason_not_a_500()
    {
        await Admin.CreateAsync("""
            kind: role
            version: v1
            metadata: { name: globbed }
            spec:
              allow:
                workload_identity_labels: { kind: glob }
            ---
            kind: workload_identity
            version: v1
            metadata: { name: by-exe, labels: { kind: glob } }
            spec:
              spiffe: { id: "/exe" }
              rules:
                allow:
                  - conditions:
                      - { attribute: workload.unix.uid, equals: "1000" }
                      - { attribute: workload.unix.exe, glob: "*a*a*a*a*a*a*b" }
            """);
        var credential = await Client.JoinNewBotAsync("globber", "globbed");
        var exe = "/" + new string('a', 30_000);

        var (status, body) = await Client.IssueAsync(credential, new JwtSvidRequest(["a"], Workload: WorkloadClient.Unix(1000, exe)));
        Assert.True(status == HttpStatusCode.Forbidden, $"{status} {body}");
        Assert.Contains(body.GetProperty("details").EnumerateArray(), r => r.GetString()!.Contains("workload.unix.exe glob '*a*a*a*a*a*a*b'", StringComparison.Ordinal));
        Assert.Single(await Admin.AuditAsync("jwt_svid.denied"), e => e.GetProperty("bot").GetString() == "globber");
    }
}
