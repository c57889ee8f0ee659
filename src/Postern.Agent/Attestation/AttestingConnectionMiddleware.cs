using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace Postern.Agent.Attestation;

/// <summary>
/// Kestrel connection middleware: pins the peer of each accepted Unix socket connection (SO_PEERCRED, a pidfd,
/// its start time and executable) and attaches it to the connection as a <see cref="WorkloadAttestationFeature"/>,
/// which attests it on every call. The pidfd is closed with the connection.
/// </summary>
internal static class AttestingConnectionMiddleware
{
    public static Func<ConnectionDelegate, ConnectionDelegate> Create(UnixAttestor attestor) => next => async connection =>
    {
        var socket = connection.Features.Get<IConnectionSocketFeature>()?.Socket;
        var (peer, failure) = socket is null ? (null, "the connection exposes no socket to attest") : attestor.Open(socket);
        using (peer)
        {
            var feature = new WorkloadAttestationFeature(peer, failure);
            connection.Features.Set(feature);
            connection.Items[typeof(WorkloadAttestationFeature)] = feature;
            await next(connection).ConfigureAwait(false);
        }
    };
}
