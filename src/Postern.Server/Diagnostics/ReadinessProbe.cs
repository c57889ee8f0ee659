using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Postern.Authority;
using Postern.Server.WebDoor;
using Postern.Storage;

namespace Postern.Server.Diagnostics;

/// <summary>
/// <c>postern.ready</c> (meter <c>Postern.Diagnostics</c>): 1 when the instance could serve at its last check (the
/// check of <c>/readyz</c>, every <see cref="Interval"/>), 0 otherwise; so that an alert sees an instance that answers
/// scrapes but cannot serve.
/// </summary>
internal sealed class ReadinessProbe : BackgroundService
{
    public const string MeterName = "Postern.Diagnostics";

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly IBackend _store;
    private readonly CertAuthorities _authorities;
    private readonly TimeProvider _time;
    private volatile bool _ready;

    public ReadinessProbe(IMeterFactory meters, IBackend store, CertAuthorities authorities, TimeProvider time)
    {
        _store = store;
        _authorities = authorities;
        _time = time;
        meters.Create(MeterName).CreateObservableGauge("postern.ready", () => _ready ? 1 : 0, null, "1 when the instance can serve (what /readyz answers), 0 when not.");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, _time);
        do
        {
            _ready = await HealthEndpoints.NotReadyReasonAsync(_store, _authorities, stoppingToken).ConfigureAwait(false) is null;
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
