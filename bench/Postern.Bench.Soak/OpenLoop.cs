using System.Diagnostics;
using System.Globalization;

namespace Postern.Bench.Soak;

/// <summary>
/// The mix at fixed rates: each kind's requests are sent on a schedule (request i at start + i / rate), whether or
/// not the earlier ones have been answered, and each latency runs from the request's scheduled time, so that a
/// stall shows in the latency instead of lowering the rate (no coordinated omission). Every 10 s, each kind's
/// figures go to latency.csv and the server's and the agent's to process.csv.
/// </summary>
internal static class OpenLoop
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(Targets targets, IReadOnlyDictionary<RequestKind, double> rates, TimeSpan duration, string outDir)
    {
        var recorder = new Recorder(Path.Combine(outDir, "errors.log"));
        var settings = SoakSettings.FromEnvironment();
        await using var latency = new StreamWriter(Path.Combine(outDir, "latency.csv")) { AutoFlush = true };
        await using var process = new StreamWriter(Path.Combine(outDir, "process.csv")) { AutoFlush = true };
        await latency.WriteLineAsync("t_s,kind,requests,failures,rate_per_s,p50_ms,p99_ms,max_ms");
        await process.WriteLineAsync("t_s,process,rss_kb,private_kb,threads,fds");

        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(duration);
        var senders = rates.Where(r => r.Value > 0).Select(r => Task.Run(() => SendAsync(targets, recorder, r.Key, r.Value, clock, stop.Token))).ToList();
        for (var window = 1; clock.Elapsed < duration; window++)
        {
            var due = Window * window;
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            var t = (int)due.TotalSeconds;
            foreach (var f in recorder.Take(Window.TotalSeconds))
            {
                await latency.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{t},{f.Kind},{f.Requests},{f.Failures},{f.Rate:F1},{f.P50:F2},{f.P99:F2},{f.Max:F2}"));
            }

            foreach (var (name, pid) in new[] { ("server", settings.ServerPid), ("agent", settings.AgentPid) })
            {
                if (pid is { } id && ProcessSample.Read(id) is { } s)
                {
                    await process.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{t},{name},{s.RssKb},{s.PrivateKb},{s.Threads},{s.Fds}"));
                }
                else if (pid is not null)
                {
                    await process.WriteLineAsync($"{t},{name},,,,");
                    Console.Error.WriteLine($"the {name} process ({pid}) is gone");
                }
            }
        }

        // Requests still in flight when the time was up: their failures count too (t_s = -1, not a window).
        await Task.WhenAll(senders);
        foreach (var f in recorder.Take(Window.TotalSeconds))
        {
            await latency.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"-1,{f.Kind},{f.Requests},{f.Failures},0,0,0,0"));
        }

        return 0;
    }

    private static async Task SendAsync(Targets targets, Recorder recorder, RequestKind kind, double rate, Stopwatch clock, CancellationToken stop)
    {
        var inFlight = new List<Task>();
        var interval = TimeSpan.FromSeconds(1 / rate);
        for (long i = 0; !stop.IsCancellationRequested; i++)
        {
            var scheduled = interval * i;
            var wait = scheduled - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            inFlight.Add(OneAsync(targets, recorder, kind, scheduled, clock));
            if (inFlight.Count > 4096)
            {
                inFlight.RemoveAll(t => t.IsCompleted);
            }
        }

        await Task.WhenAll(inFlight);
    }

    private static async Task OneAsync(Targets targets, Recorder recorder, RequestKind kind, TimeSpan scheduled, Stopwatch clock)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var failure = await targets.CallAsync(kind, timeout.Token);
        recorder.Record(kind, (clock.Elapsed - scheduled).TotalMilliseconds, failure);
    }
}
