using System.Diagnostics;
using System.Diagnostics.Metrics;
using Postern.Agent.Caching;
using Postern.Agent.Server;

namespace Postern.Agent;

/// <summary>
/// The agent's instruments (meter <c>Postern.Agent</c>). Labels are the Workload API method, cache hit or miss and the
/// kind of server failure: never a workload, a uid or a SPIFFE ID.
/// </summary>
internal sealed class AgentTelemetry
{
    public const string MeterName = "Postern.Agent";

    private readonly Histogram<double> _fetch;
    private readonly Counter<long> _serverErrors;
    private readonly TimeProvider _time;
    private long _keySetRefreshed = -1;

    public AgentTelemetry(IMeterFactory meters, SvidCache cache, AgentOptions options)
    {
        _time = options.Time;
        var meter = meters.Create(MeterName);
        _fetch = meter.CreateHistogram<double>("postern.agent.fetch.duration", "s", "Time to answer a Workload API call, by RPC and whether the SVID cache answered.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] });
        _serverErrors = meter.CreateCounter<long>("postern.agent.server.errors", "{error}", "Calls to the Postern server that failed, by outcome (unavailable, bad_request, unauthenticated, forbidden).");
        meter.CreateObservableGauge("postern.agent.cache.entries", () => cache.Count, "{entry}", "SVID cache entries (one per workload and audience set).");
        meter.CreateObservableGauge("postern.agent.keyset.age", KeySetAge, "s",
            "Time since the server last answered the agent's key set request (new keys or not modified); absent before the first answer.");
    }

    /// <summary>The server answered the key set request with new keys or none changed.</summary>
    public void KeySetRefreshed() => Interlocked.Exchange(ref _keySetRefreshed, _time.GetTimestamp());

    /// <summary>A Workload API call <paramref name="rpc"/> begun at <paramref name="started"/> (a <see cref="Stopwatch"/> timestamp) was answered.</summary>
    public void Fetched(string rpc, bool fromCache, long started) =>
        _fetch.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new TagList { { "rpc", rpc }, { "cache", fromCache ? "hit" : "miss" } });

    /// <summary>The server answered with <paramref name="outcome"/>; failures are counted.</summary>
    public void ServerAnswered(ServerOutcome outcome)
    {
        var name = outcome switch
        {
            ServerOutcome.Unavailable => "unavailable",
            ServerOutcome.BadRequest => "bad_request",
            ServerOutcome.Unauthenticated => "unauthenticated",
            ServerOutcome.Forbidden => "forbidden",
            _ => null,
        };
        if (name is not null)
        {
            _serverErrors.Add(1, new KeyValuePair<string, object?>("outcome", name));
        }
    }

    private IEnumerable<Measurement<double>> KeySetAge()
    {
        var refreshed = Interlocked.Read(ref _keySetRefreshed);
        if (refreshed >= 0)
        {
            yield return new Measurement<double>(_time.GetElapsedTime(refreshed).TotalSeconds);
        }
    }
}
