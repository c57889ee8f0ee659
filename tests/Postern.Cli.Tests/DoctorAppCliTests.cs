using System.Text.Json;
using Postern.Cli.Tests.Infrastructure;

namespace Postern.Cli.Tests;

/// <summary>
/// <c>postern doctor app</c> against a running server and an app that trusts any header (the recording upstream answers
/// 200 to everything): every forgery is reported by name, the exit code is 1, and every probe reached the app marked.
/// </summary>
public sealed class DoctorAppCliTests : IAsyncLifetime
{
    private static readonly string[] Forgeries =
        ["no_assertion", "tampered_signature", "alg_none", "expired", "other_audience", "wrong_issuer", "unknown_key", "second_header"];

    private CliServer _cli = null!;

    public async Task InitializeAsync() =>
        _cli = await CliServer.StartAsync("  - name: trusting\n    uri: {upstream}\n    public_addr: trusting.localhost\n    doctor: {allow: true}\n");

    public async Task DisposeAsync() => await _cli.DisposeAsync();

    [Fact]
    public async Task Every_forgery_an_app_that_trusts_any_header_accepts_is_named_and_the_exit_code_is_one()
    {
        var (exit, output, error) = await RunAsync("doctor", "app", "trusting", "--user", "alice", "--path", "/private");

        Assert.True(exit == 1, error + output);
        Assert.Contains("genuine assertion of alice", output, StringComparison.Ordinal);
        Assert.Contains("PROBLEMS:", output, StringComparison.Ordinal);
        foreach (var forgery in Forgeries)
        {
            Assert.Contains($"  {forgery}: the app accepted ", output, StringComparison.Ordinal);
        }

        var probes = _cli.Upstream.Requests.Where(r => r.Header("X-Postern-Probe") is not null).ToList();
        Assert.Equal(["genuine", .. Forgeries], probes.Select(r => r.Header("X-Postern-Probe")));
        Assert.All(probes, r => Assert.Equal("/private", r.PathAndQuery));
        Assert.Null(probes[1].Header("Teleport-Jwt-Assertion"));
        Assert.EndsWith(".", probes[3].Header("Teleport-Jwt-Assertion"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_json_report_lists_the_accepted_forgeries_and_the_run_is_audited_with_the_genuine_assertion()
    {
        var (exit, output, _) = await RunAsync("doctor", "app", "trusting", "--format", "json");

        Assert.Equal(1, exit);
        using var report = JsonDocument.Parse(output);
        Assert.False(report.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal("postern-doctor", report.RootElement.GetProperty("user").GetString());
        Assert.Equal(Forgeries, report.RootElement.GetProperty("accepted").EnumerateArray().Select(a => a.GetString()));

        var (_, audit, _) = await RunAsync("audit", "search", "--type", "app.doctor.run", "--format", "json");
        using var run = JsonDocument.Parse(audit.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single());
        Assert.Equal("trusting", run.RootElement.GetProperty("app").GetString());
        Assert.False(run.RootElement.GetProperty("ok").GetBoolean());
        Assert.Contains("local-admin", run.RootElement.GetProperty("actor").GetRawText(), StringComparison.Ordinal);
        var (_, issued, _) = await RunAsync("audit", "search", "--type", "app.assertion.issued", "--format", "json");
        Assert.Contains("\"doctor\":true", issued, StringComparison.Ordinal);
    }

    private Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) => _cli.RunAsync(args);
}
