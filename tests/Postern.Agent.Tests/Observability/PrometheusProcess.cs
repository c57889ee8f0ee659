using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Postern.Testing;

namespace Postern.Agent.Tests.Observability;

/// <summary>
/// Debian's <c>prometheus</c> (<c>/usr/bin/prometheus</c>, installed by tests/setup/prometheus.sh) run into a
/// temporary folder, scraping the given targets every second; queried through its HTTP API.
/// </summary>
internal sealed class PrometheusProcess : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus";

    private readonly Process _process;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private PrometheusProcess(Process process, Uri address, string log)
    {
        _process = process;
        Address = address;
        LogPath = log;
    }

    public Uri Address { get; }

    public string LogPath { get; }

    /// <summary>Starts Prometheus in <paramref name="folder"/> with one scrape job per entry of <paramref name="jobs"/> (job name, <c>host:port</c>).</summary>
    public static async Task<PrometheusProcess> StartAsync(string folder, IReadOnlyDictionary<string, string> jobs)
    {
        var config = Path.Combine(folder, "prometheus.yml");
        await File.WriteAllTextAsync(config, "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n"
            + string.Concat(jobs.Select(j => $"  - job_name: {j.Key}\n    static_configs:\n      - targets: ['{j.Value}']\n")));
        var port = FreePort.Next();
        var log = Path.Combine(folder, "prometheus.log");
        var start = new ProcessStartInfo("bash") { WorkingDirectory = folder };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"exec {Binary} --config.file='{config}' --storage.tsdb.path='{Path.Combine(folder, "tsdb")}' "
            + $"--web.listen-address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)} > '{log}' 2>&1");
        var prometheus = new PrometheusProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}/"), log);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                using var ready = await prometheus._http.GetAsync(new Uri(prometheus.Address, "-/ready"));
                if (ready.IsSuccessStatusCode)
                {
                    return prometheus;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (prometheus._process.HasExited || DateTime.UtcNow > deadline)
            {
                var output = File.Exists(log) ? await File.ReadAllTextAsync(log) : "";
                await prometheus.DisposeAsync();
                throw new InvalidOperationException("prometheus did not become ready: " + output);
            }

            await Task.Delay(200);
        }
    }

    /// <summary>The samples of an instant query: each series' labels and value.</summary>
    public async Task<IReadOnlyList<(Dictionary<string, string> Labels, double Value)>> QueryAsync(string promql)
    {
        var answer = await _http.GetFromJsonAsync<JsonElement>(new Uri(Address, "api/v1/query?query=" + Uri.EscapeDataString(promql)));
        Assert.Equal("success", answer.GetProperty("status").GetString());
        return [.. answer.GetProperty("data").GetProperty("result").EnumerateArray().Select(series => (
            series.GetProperty("metric").EnumerateObject().ToDictionary(l => l.Name, l => l.Value.GetString()!),
            double.Parse(series.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)))];
    }

    /// <summary>The health of each scrape target, by job: <c>up</c>, <c>down</c> or <c>unknown</c>.</summary>
    public async Task<Dictionary<string, string>> TargetHealthAsync()
    {
        var answer = await _http.GetFromJsonAsync<JsonElement>(new Uri(Address, "api/v1/targets"));
        return answer.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
            .ToDictionary(t => t.GetProperty("labels").GetProperty("job").GetString()!, t => t.GetProperty("health").GetString()!);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _http.Dispose();
    }
}
