using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Postern.Audit;

/// <summary>
/// The audit log's instruments (meter <c>Postern.Audit</c>): events waiting for the store, and each group commit's
/// duration and size. No labels.
/// </summary>
internal sealed class AuditMetrics : IDisposable
{
    public const string MeterName = "Postern.Audit";

    private readonly Meter _meter = new(MeterName);
    private readonly Histogram<double> _commitDuration;
    private readonly Histogram<int> _batchSize;

    /// <summary>Observes the queue through <paramref name="queueDepth"/>, and the journal's backlog through <paramref name="unindexed"/>.</summary>
    public AuditMetrics(Func<int> queueDepth, Func<long> unindexed)
    {
        _meter.CreateObservableGauge("postern.audit.queue.depth", queueDepth, "{event}", "Audit events waiting to be made durable.");
        _meter.CreateObservableGauge("postern.audit.journal.unindexed", unindexed, "{event}", "Audit events durable in the journal and not yet in the store's audit tables.");
        _commitDuration = _meter.CreateHistogram<double>("postern.audit.commit.duration", "s", "Time of one group commit of audit events (to the journal, or to the store without one).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
        _batchSize = _meter.CreateHistogram<int>("postern.audit.batch.size", "{event}", "Audit events written by one group commit.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] });
    }

    /// <summary>A commit of <paramref name="events"/> events begun at <paramref name="started"/> (a <see cref="Stopwatch"/> timestamp) ended.</summary>
    public void Committed(int events, long started)
    {
        _commitDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        _batchSize.Record(events);
    }

    public void Dispose() => _meter.Dispose();
}
