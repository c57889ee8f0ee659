using System.Diagnostics;
using System.Diagnostics.Metrics;
using Postern.Authority;

namespace Postern.Server.WorkloadIdentity;

/// <summary>
/// The issuer's instruments (meter <c>Postern.WorkloadIdentity</c>) and its span (source of the same name). Labels are
/// the workload authority's algorithm and the result (<c>issued</c>, <c>denied</c>, <c>error</c>): never a SPIFFE ID,
/// a bot or a user.
/// </summary>
internal sealed class SvidTelemetry
{
    public const string Name = "Postern.WorkloadIdentity";

    private static readonly ActivitySource Source = new(Name);

    private readonly CertAuthorities _authorities;
    private readonly Counter<long> _issued;
    private readonly Histogram<double> _duration;

    public SvidTelemetry(IMeterFactory meters, CertAuthorities authorities)
    {
        _authorities = authorities;
        var meter = meters.Create(Name);
        _issued = meter.CreateCounter<long>("postern.jwt_svid.issued", "{svid}",
            "JWT-SVIDs signed (result issued), and requests refused (denied) or failed (error), by authority algorithm and result.");
        _duration = meter.CreateHistogram<double>("postern.jwt_svid.issue.duration", "s", "Time to answer an issuance request, audit records durable included, by result.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
    }

    /// <summary>The span of one issuance request; <c>null</c> when no one records spans.</summary>
    public static Activity? StartIssuance() => Source.StartActivity("jwt_svid.issue");

    /// <summary>An issuance that began at <paramref name="started"/> (a <see cref="Stopwatch"/> timestamp) ended with <paramref name="result"/>, <paramref name="count"/> times.</summary>
    public void Ended(string result, long count, long started, Activity? span)
    {
        Counted(result, count);
        _duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("result", result));
        span?.SetTag("postern.result", result);
        span?.SetStatus(result == "error" ? ActivityStatusCode.Error : ActivityStatusCode.Ok);
    }

    /// <summary>A request refused before policy was asked (no duration: nothing was tried).</summary>
    public void Refused() => Counted("denied", 1);

    private void Counted(string result, long count)
    {
        var algorithm = _authorities.IsReady ? _authorities.Get(CertAuthorityType.Workload).SigningCredentials.Algorithm : "none";
        _issued.Add(count, new TagList { { "algorithm", algorithm }, { "result", result } });
    }
}
