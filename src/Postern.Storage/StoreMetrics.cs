using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Postern.Storage;

/// <summary>
/// A backend's instruments (meter <c>Postern.Storage</c>): how long each store operation takes, and how far behind the
/// store's revision a watch's page read was. Labels: the backend (<c>sqlite</c>, <c>postgres</c>) and the operation.
/// </summary>
internal sealed class StoreMetrics : IDisposable
{
    public const string MeterName = "Postern.Storage";

    private readonly Meter _meter = new(MeterName);
    private readonly KeyValuePair<string, object?> _backend;
    private readonly Histogram<double> _duration;
    private readonly Histogram<long> _watchLag;

    public StoreMetrics(ChangeLogBackend backend)
    {
        var name = backend.GetType().Name;
        _backend = new("backend", (name.EndsWith("Backend", StringComparison.Ordinal) ? name[..^"Backend".Length] : name).ToLowerInvariant());
        _duration = _meter.CreateHistogram<double>("postern.store.operation.duration", "s", "Time of a store operation, by backend and operation.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
        _watchLag = _meter.CreateHistogram<long>("postern.store.watch.lag", "{revision}",
            "Revisions the store held beyond what a watch had read, at each page it read (0 when caught up), by backend.",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [0, 1, 10, 100, 1000, 10000] });
    }

    /// <summary>
    /// Runs <paramref name="operation"/> and records its duration under <paramref name="name"/>, failed or not; when no
    /// listener reads the histogram, only runs it (no timing state machine on every store call).
    /// </summary>
    public Task<T> TimeAsync<T>(string name, Func<Task<T>> operation) => _duration.Enabled ? TimedAsync(name, operation) : operation();

    private async Task<T> TimedAsync<T>(string name, Func<Task<T>> operation)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await operation().ConfigureAwait(false);
        }
        finally
        {
            _duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, _backend, new("operation", name));
        }
    }

    /// <summary>A watch read a page: <paramref name="behind"/> revisions remained beyond it.</summary>
    public void WatchRead(long behind) => _watchLag.Record(behind, _backend);

    public void Dispose() => _meter.Dispose();
}
