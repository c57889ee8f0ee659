using System.Diagnostics.Metrics;
using Postern.Authority;

namespace Postern.Server.Authority;

/// <summary>
/// The authorities' gauges (meter <c>Postern.Authority</c>), read from the loaded authorities at each collection, one
/// series per authority (<c>jwt</c>, <c>workload</c>): the rotation phase (0 standby, 1 init, 2 update_clients,
/// 3 rollback), how long the phase has lasted and its grace period, and the age of the signing key.
/// </summary>
internal sealed class AuthorityMetrics
{
    public const string MeterName = "Postern.Authority";

    public AuthorityMetrics(IMeterFactory meters, CertAuthorities authorities, TimeProvider time)
    {
        var meter = meters.Create(MeterName);
        IEnumerable<Measurement<T>> Each<T>(Func<CertAuthority, T> value)
            where T : struct
        {
            if (!authorities.IsReady)
            {
                yield break;
            }

            foreach (var type in CertAuthorityTypes.All)
            {
                var authority = authorities.Get(type);
                yield return new Measurement<T>(value(authority), new KeyValuePair<string, object?>("authority", type.Name()));
            }
        }

        meter.CreateObservableGauge("postern.authority.rotation.phase", () => Each(a => (int)a.Document.Phase), null,
            "The rotation phase of each authority: 0 standby, 1 init, 2 update_clients, 3 rollback.");
        meter.CreateObservableGauge("postern.authority.rotation.phase.age", () => Each(a => a.Document.Rotation is { } r ? (time.GetUtcNow() - r.PhaseSince).TotalSeconds : 0), "s",
            "Time since the authority's rotation entered its phase; 0 in standby.");
        meter.CreateObservableGauge("postern.authority.rotation.grace", () => Each(a => a.Document.Rotation?.Grace.TotalSeconds ?? 0), "s",
            "The grace period of the rotation under way (each phase lasts at least this); 0 in standby.");
        meter.CreateObservableGauge("postern.authority.key.age", () => Each(a => (time.GetUtcNow() - a.Document.Keys.First(k => k.Kid == a.SigningKid).Created).TotalSeconds), "s",
            "Age of the key that signs now.");
    }
}
