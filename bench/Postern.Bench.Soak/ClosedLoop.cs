using System.Diagnostics;
using System.Globalization;

namespace Postern.Bench.Soak;

/// <summary>
/// The mix at full load: a fixed number of workers per kind, each sending its next request as soon as the last
/// is answered, all kinds at once. The first 10 s warm up and are not counted; the rest gives each kind's
/// rate in the mix (capacity.csv, and printed as "kind rate" lines).
/// </summary>
internal static class ClosedLoop
{
    // Sign-ins: the server checks one password per two cores at a time and queues the rest (429 past four per slot); two
    // workers keep a slot busy without making each sign-in wait behind many others.
    private static readonly Dictionary<RequestKind, int> Workers = new()
    {
        [RequestKind.App] = 16,
        [RequestKind.SignIn] = 2,
        [RequestKind.Svid] = 16,
    };

    public static async Task<int> RunAsync(Targets targets, TimeSpan duration, string outDir)
    {
        var warmUp = TimeSpan.FromSeconds(10);
        var recorder = new Recorder(Path.Combine(outDir, "capacity-errors.log"));
        var clock = Stopwatch.StartNew();
        var end = warmUp + duration;
        var workers = Workers.SelectMany(w => Enumerable.Range(0, w.Value).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < end)
            {
                var start = clock.Elapsed;
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                var failure = await targets.CallAsync(w.Key, timeout.Token);
                recorder.Record(w.Key, (clock.Elapsed - start).TotalMilliseconds, failure);
            }
        }))).ToList();

        await Task.Delay(warmUp);
        var warm = recorder.Take(warmUp.TotalSeconds);
        await Task.WhenAll(workers);
        var measured = recorder.Take((clock.Elapsed - warmUp).TotalSeconds);
        await using var csv = new StreamWriter(Path.Combine(outDir, "capacity.csv"));
        await csv.WriteLineAsync("kind,workers,requests,failures,rate_per_s,p50_ms,p99_ms");
        foreach (var f in measured)
        {
            var failures = f.Failures + warm.Single(w => w.Kind == f.Kind).Failures;
            await csv.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{f.Kind},{Workers[f.Kind]},{f.Requests},{failures},{f.Rate:F1},{f.P50:F2},{f.P99:F2}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{f.Kind} {f.Rate:F1} {failures}"));
        }

        return 0;
    }
}
