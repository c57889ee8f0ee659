using System.Diagnostics;
using System.Diagnostics.Metrics;
using Yarp.ReverseProxy.Forwarder;

namespace Postern.Server.AppAccess;

/// <summary>
/// The app door's instruments (meter <c>Postern.AppAccess</c>). Labels are the app's name, the status class and the
/// forwarder's error name: bounded by configuration, never a user, a path or a session.
/// </summary>
internal sealed class AppMetrics
{
    public const string MeterName = "Postern.AppAccess";

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _upstreamErrors;
    private readonly Counter<long> _minted;
    private readonly Histogram<int> _assertionSize;
    private readonly Counter<long> _overBudget;

    public AppMetrics(IMeterFactory meters, AppSessions sessions)
    {
        var meter = meters.Create(MeterName);
        _requests = meter.CreateCounter<long>("postern.app.requests", "{request}", "Requests forwarded to an app, by app and status class.");
        _duration = meter.CreateHistogram<double>("postern.app.request.duration", "s", "Time from forwarding a request to the end of the app's response, by app and status class.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _upstreamErrors = meter.CreateCounter<long>("postern.app.upstream.errors", "{error}", "Requests the app did not answer, by app and forwarder error.");
        _minted = meter.CreateCounter<long>("postern.app.assertions.minted", "{assertion}", "Teleport-Jwt-Assertion tokens signed, by app.");
        _assertionSize = meter.CreateHistogram<int>("postern.app.assertion.size", "By", "Size of the signed assertions, by app.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [256, 512, 1024, 2048, 4096, 8192, 16384] });
        _overBudget = meter.CreateCounter<long>("postern.app.assertion.over_budget", "{assertion}",
            "Assertions whose headers took more than 75 % of the app's max_header_bytes (outcome warned) or more than all of it (outcome refused), by app.");
        meter.CreateObservableGauge("postern.sessions.active", () => sessions.Count, "{session}", "App sessions this instance holds open.");
    }

    /// <summary>One forwarded request of <paramref name="app"/>, answered with <paramref name="status"/> after <paramref name="started"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public void Forwarded(string app, int status, long started, ForwarderError error)
    {
        var tags = new TagList { { "app", app }, { "status_class", StatusClass(status) } };
        _requests.Add(1, tags);
        _duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        if (error != ForwarderError.None)
        {
            _upstreamErrors.Add(1, new TagList { { "app", app }, { "error", error.ToString() } });
        }
    }

    /// <summary>An assertion of <paramref name="length"/> characters was signed for <paramref name="app"/>.</summary>
    public void Minted(string app, int length)
    {
        var tag = new KeyValuePair<string, object?>("app", app);
        _minted.Add(1, tag);
        _assertionSize.Record(length, tag);
    }

    /// <summary>An assertion for <paramref name="app"/> came near its header budget, or (<paramref name="refused"/>) over it.</summary>
    public void OverBudget(string app, bool refused) =>
        _overBudget.Add(1, new TagList { { "app", app }, { "outcome", refused ? "refused" : "warned" } });

    private static string StatusClass(int status) => status switch
    {
        >= 100 and < 200 => "1xx",
        >= 200 and < 300 => "2xx",
        >= 300 and < 400 => "3xx",
        >= 400 and < 500 => "4xx",
        _ => "5xx",
    };
}
