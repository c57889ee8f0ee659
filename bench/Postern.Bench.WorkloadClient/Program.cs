using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Postern.Agent.WorkloadApi;

// Latency of FetchJWTSVID answered from the agent's cache, against a baseline of the same call refused
// at the door (no workload.spiffe.io header: InvalidArgument before any agent work), on the same socket
// and channel. Sequential calls from CLIENTS concurrent clients; prints a markdown table.
// usage: Postern.Bench.WorkloadClient SOCKET [SECONDS] [CLIENTS]
var socketPath = args[0];
var seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 10;
var clients = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;

using var channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions
{
    HttpHandler = new SocketsHttpHandler
    {
        ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        },
    },
});
var api = new SpiffeWorkloadAPI.SpiffeWorkloadAPIClient(channel);
var header = new Metadata { { "workload.spiffe.io", "true" } };
var request = new JWTSVIDRequest { Audience = { "bench" } };

// The first fetch goes to the server and fills the cache; the check makes sure the measured calls are real answers.
var first = await api.FetchJWTSVIDAsync(request, header);
if (first.Svids.Count == 0)
{
    Console.Error.WriteLine("no SVID from the agent");
    return 1;
}

async Task Hit() => await api.FetchJWTSVIDAsync(request, header);

async Task Refused()
{
    try
    {
        await api.FetchJWTSVIDAsync(request);
        throw new InvalidOperationException("a call without the security header was answered");
    }
    catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
    {
    }
}

async Task<double[]> Measure(Func<Task> call, double duration)
{
    var samples = new List<double>[clients];
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, clients).Select(i => Task.Run(async () =>
    {
        var mine = samples[i] = new List<double>(100_000);
        while (clock.Elapsed.TotalSeconds < duration)
        {
            var start = Stopwatch.GetTimestamp();
            await call();
            mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
    })));
    var all = samples.SelectMany(s => s).ToArray();
    Array.Sort(all);
    return all;
}

static double At(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

// Warm both paths past tiered compilation, then measure baseline, cache hits, baseline again.
await Measure(Hit, 5);
await Measure(Refused, 3);
var before = await Measure(Refused, seconds / 2);
var hits = await Measure(Hit, seconds);
var after = await Measure(Refused, seconds / 2);
var baseline = before.Concat(after).Order().ToArray();

string Row(string name, double[] s, double[] b) => string.Create(
    CultureInfo.InvariantCulture,
    $"| {name} | {s.Length / seconds:F0} | {At(s, 0.5):F3} | {At(s, 0.99):F3} | {At(s, 0.999):F3} | {At(s, 0.99) / At(b, 0.99):F2} |");

Console.WriteLine($"| call ({seconds:F0} s, {clients} client{(clients > 1 ? "s" : "")}, same socket and channel) | calls/s | p50 (ms) | p99 (ms) | p99.9 (ms) | p99 vs baseline |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|");
Console.WriteLine(Row("baseline: FetchJWTSVID refused at the door (no security header)", baseline, baseline));
Console.WriteLine(Row("FetchJWTSVID answered from the agent's cache", hits, baseline));
return 0;
