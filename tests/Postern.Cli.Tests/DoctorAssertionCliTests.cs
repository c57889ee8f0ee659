using System.Text.Json;
using Postern.Cli.Tests.Infrastructure;

namespace Postern.Cli.Tests;

/// <summary><c>postern doctor assertion</c> against a running server: the claims and sizes a user would get for an app.</summary>
public sealed class DoctorAssertionCliTests : IAsyncLifetime
{
    private CliServer _cli = null!;

    public async Task InitializeAsync() => _cli = await CliServer.StartAsync("""
          - name: roomy
            uri: http://127.0.0.1:9
            public_addr: roomy.localhost
          - name: tight
            uri: http://127.0.0.1:9
            public_addr: tight.localhost
            max_header_bytes: 1024
          - name: filtered
            uri: http://127.0.0.1:9
            public_addr: filtered.localhost
            max_header_bytes: 1024
            rewrite:
              jwt_claims: {traits: [team], groups_filter: "^x"}
        """, new() { ["team"] = ["web"], ["groups"] = [.. Enumerable.Range(0, 40).Select(i => $"team-number-{i:D2}")] });

    public async Task DisposeAsync() => await _cli.DisposeAsync();

    [Fact]
    public async Task An_assertion_that_fits_prints_its_headers_claims_and_payload_and_exits_zero()
    {
        var (exit, output, error) = await RunAsync("doctor", "assertion", "--user", "alice", "--app", "roomy");

        Assert.True(exit == 0, error + output);
        Assert.Contains("app roomy, user alice:", output, StringComparison.Ordinal);
        Assert.Contains("of 8192 header bytes", output, StringComparison.Ordinal);
        Assert.Contains(": fits", output, StringComparison.Ordinal);
        Assert.Contains("Teleport-Jwt-Assertion", output, StringComparison.Ordinal);
        Assert.Contains("traits.groups", output, StringComparison.Ordinal);
        Assert.Contains("\"team-number-39\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_assertion_over_the_budget_is_reported_as_over_with_exit_one_and_the_filters_bring_it_under()
    {
        var (exit, output, _) = await RunAsync("doctor", "assertion", "--user", "alice", "--app", "tight", "--format", "json");

        Assert.Equal(1, exit);
        using (var report = JsonDocument.Parse(output))
        {
            Assert.Equal("over", report.RootElement.GetProperty("verdict").GetString());
            Assert.True(report.RootElement.GetProperty("header_bytes").GetInt32() > 1024);
            Assert.Equal("traits.groups", report.RootElement.GetProperty("claims")[0].GetProperty("name").GetString());
        }

        (exit, output, _) = await RunAsync("doctor", "assertion", "--user", "alice", "--app", "filtered", "--format", "json");

        Assert.Equal(0, exit);
        using var filtered = JsonDocument.Parse(output);
        Assert.True(filtered.RootElement.GetProperty("header_bytes").GetInt32() <= 1024);
        var traits = filtered.RootElement.GetProperty("payload").GetProperty("traits");
        Assert.Equal(["team"], traits.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task An_unknown_user_is_named_and_the_command_fails()
    {
        var (exit, _, error) = await RunAsync("doctor", "assertion", "--user", "nobody", "--app", "roomy");

        Assert.NotEqual(0, exit);
        Assert.Contains("user 'nobody' does not exist", error, StringComparison.Ordinal);
    }

    private Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) => _cli.RunAsync(args);
}
