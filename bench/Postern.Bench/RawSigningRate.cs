using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace Postern.Bench;

/// <summary>
/// The machine's raw signing rate (RS256 by default, or ES256) with every core busy: one thread per core, each
/// signing a token-sized input in a loop for a fixed time. The baseline of the issuance load test.
/// </summary>
internal static class RawSigningRate
{
    public static int Run(string[] args)
    {
        var seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 10;
        var threads = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : Environment.ProcessorCount;
        var alg = args.Length > 3 ? args[3] : "RS256";
        var input = new byte[420];
        RandomNumberGenerator.Fill(input);
        var counts = new long[threads];
        var clock = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        var workers = Enumerable.Range(0, threads).Select(i => new Thread(() =>
        {
            using var signer = new BenchSigner(alg);
            while (clock.Elapsed < until)
            {
                signer.Sign(input);
                counts[i]++;
            }
        })).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());
        var rate = counts.Sum() / clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rate:F0}"));
        return 0;
    }
}
