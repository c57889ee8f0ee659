using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Postern.Audit;
using Postern.Storage;
using Postern.Storage.Sqlite;

namespace Postern.Bench;

/// <summary>
/// Builds an audit log of N <c>jwt_svid.issued</c> events (default 1,000,000) in a new SQLite store, through the
/// store's audit path in group commits of 1,000, then times searches: one <c>jti</c> (present and absent), the newest
/// page, and the newest page of one type. Prints the build rate and each search's median and worst of 20.
/// </summary>
internal static class AuditSearchBench
{
    private const int Batch = 1000;
    private const int Runs = 20;

    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
        var folder = Directory.CreateTempSubdirectory("postern-audit-bench");
        try
        {
            await using var store = await SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = Path.Combine(folder.FullName, "postern.db"), SweepInterval = Timeout.InfiniteTimeSpan }, CancellationToken.None);
            var tables = (IAuditStore)store;
            var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
            var build = Stopwatch.StartNew();
            for (var first = 0; first < count; first += Batch)
            {
                var items = new BatchPut[Math.Min(Batch, count - first)];
                for (var i = 0; i < items.Length; i++)
                {
                    var n = first + i;
                    var time = start.AddMilliseconds(n * 10L);
                    var e = new AuditEvent(AuditEventTypes.JwtSvidIssued, time, string.Create(CultureInfo.InvariantCulture, $"{time.UtcTicks:D19}-{n:x8}"), new JsonObject
                    {
                        ["jti"] = Jti(n),
                        ["spiffe_id"] = "spiffe://bench.example.com/bot/bench",
                        ["bot"] = "bench",
                        ["actor"] = n % 100 == 0 ? "alice" : "bench",
                        ["client_addr"] = "127.0.0.1",
                    });
                    items[i] = new BatchPut($"/audit/{time:yyyy-MM-dd}/{e.Id}", e.ToUtf8(), null);
                }

                await store.PutBatchAsync(items, CancellationToken.None);
            }

            build.Stop();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"built {count} events in {build.Elapsed.TotalSeconds:F1} s ({count / build.Elapsed.TotalSeconds:F0} events/s, group commits of {Batch}); file {new FileInfo(Path.Combine(folder.FullName, "postern.db")).Length / 1048576.0 + (File.Exists(Path.Combine(folder.FullName, "postern.db-wal")) ? new FileInfo(Path.Combine(folder.FullName, "postern.db-wal")).Length / 1048576.0 : 0):F0} MB"));

            await TimeAsync("one jti, present", n => tables.SearchAuditAsync(new AuditSearch { Jti = Jti((int)((long)n * 7919 % count)), Limit = 1000 }, CancellationToken.None), expected: 1);
            await TimeAsync("one jti, absent", _ => tables.SearchAuditAsync(new AuditSearch { Jti = "absent", Limit = 1000 }, CancellationToken.None), expected: 0);
            await TimeAsync("newest 100", _ => tables.SearchAuditAsync(new AuditSearch { Limit = 100 }, CancellationToken.None), expected: 100);
            await TimeAsync("newest 100 of actor alice", _ => tables.SearchAuditAsync(new AuditSearch { Actor = "alice", Limit = 100 }, CancellationToken.None), expected: Math.Min(100, (count + 99) / 100));
            return 0;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string Jti(int n) => string.Create(CultureInfo.InvariantCulture, $"{n * 2654435761L % 4294967296L:x8}-{n:x8}");

    private static async Task TimeAsync(string what, Func<int, Task<IReadOnlyList<StoredAuditEvent>>> search, int expected)
    {
        var times = new List<double>();
        for (var run = 0; run < Runs; run++)
        {
            var clock = Stopwatch.StartNew();
            var found = await search(run);
            times.Add(clock.Elapsed.TotalMilliseconds);
            if (found.Count != expected)
                throw new InvalidOperationException($"{what}: {found.Count} events, expected {expected}");
        }

        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: median {times[Runs / 2]:F2} ms, worst {times[^1]:F2} ms, best {times[0]:F2} ms ({Runs} runs)"));
    }
}
