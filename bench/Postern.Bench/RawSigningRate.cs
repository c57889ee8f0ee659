using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace Postern.Bench;

/// <summary>
/// The machine's raw RSA-2048 (PKCS#1 v1.5, SHA-256) signing rate with every core busy: one thread per core,
/// each signing a token-sized input in a loop for a fixed time. The baseline of the issuance load test.
/// </summary>
internal static class RawSigningRate
{
    public static int Run(string[] args)
    {
        var seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 10;
        var threads = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : Environment.ProcessorCount;
        var input = new byte[420];
        RandomNumberGenerator.Fill(input);
        var counts = new long[threads];
        var clock = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        var workers = Enumerable.Range(0, threads).Select(i => new Thread(() =>
        {
            using var rsa = RSA.Create(2048);
            while (clock.Elapsed < until)
            {
                rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
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
