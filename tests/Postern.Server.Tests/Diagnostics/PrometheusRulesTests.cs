using System.Diagnostics;
using System.Text.RegularExpressions;
using Postern.Testing;

namespace Postern.Server.Tests.Diagnostics;

/// <summary>
/// deploy/prometheus/ passes Prometheus's own checks (<c>promtool check config</c>, <c>check rules</c>, <c>test rules</c>),
/// every alert has a unit test and a section in docs/observability.md.
/// </summary>
public sealed partial class PrometheusRulesTests
{
    private static readonly string Deploy = Path.Combine(RepoPaths.Root, "deploy", "prometheus");

    [Fact]
    public async Task Promtool_accepts_the_scrape_configuration()
    {
        var (exit, output) = await PromtoolAsync("check", "config", "prometheus.yml");
        Assert.True(exit == 0, output);
        Assert.Contains("is valid prometheus config file syntax", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promtool_accepts_the_alert_rules()
    {
        var (exit, output) = await PromtoolAsync("check", "rules", "postern-alerts.yml");
        Assert.True(exit == 0, output);
        Assert.Contains($"SUCCESS: {Alerts().Count} rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_alert_unit_tests_pass()
    {
        var (exit, output) = await PromtoolAsync("test", "rules", "postern-alerts.test.yml");
        Assert.True(exit == 0, output);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_alert_has_a_unit_test_that_expects_it_to_fire_and_one_that_expects_silence()
    {
        var tests = File.ReadAllText(Path.Combine(Deploy, "postern-alerts.test.yml"));
        var alerts = Alerts();
        Assert.True(alerts.Count >= 6, $"only {alerts.Count} alerts were read");
        foreach (var alert in alerts)
        {
            var cases = Regex.Matches(tests, @$"alertname: {alert}\s*\n\s*exp_alerts:(?<body>[^\n]*)");
            Assert.True(cases.Count >= 2, $"{alert} has {cases.Count} unit test cases, not 2");
            Assert.Contains(cases, c => c.Groups["body"].Value.Trim() == "[]");
            Assert.Contains(cases, c => c.Groups["body"].Value.Trim() == "");
        }
    }

    [Fact]
    public void Every_alert_is_explained_in_the_operations_guide()
    {
        var guide = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "observability.md"));
        foreach (var alert in Alerts())
        {
            Assert.Contains($"### {alert}\n", guide, StringComparison.Ordinal);
            Assert.Contains($"docs/observability.md#{alert.ToLowerInvariant()}", File.ReadAllText(Path.Combine(Deploy, "postern-alerts.yml")), StringComparison.Ordinal);
        }
    }

    private static List<string> Alerts() =>
        [.. AlertName().Matches(File.ReadAllText(Path.Combine(Deploy, "postern-alerts.yml"))).Select(m => m.Groups[1].Value)];

    private static async Task<(int Exit, string Output)> PromtoolAsync(params string[] args)
    {
        var start = new ProcessStartInfo("promtool") { WorkingDirectory = Deploy, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("promtool did not start: run tests/setup/prometheus.sh");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await output + await error);
    }

    [GeneratedRegex(@"^\s*- alert: (\w+)\s*$", RegexOptions.Multiline)]
    private static partial Regex AlertName();
}
