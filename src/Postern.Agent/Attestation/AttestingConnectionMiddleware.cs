using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace Postern.Agent.Attestation;

/// <summary>
/// Kestrel connection middleware: attests the peer of each accepted Unix socket connection and
/// attaches the answer to the connection as a <see cref="WorkloadAttestationFeature"/>.
/// </summary>
internal static class AttestingConnectionMiddleware
{
    public static Func<ConnectionDelegate, ConnectionDelegate> Create(UnixAttestor attestor) => next => connection =>
    {
        var socket = connection.Features.Get<IConnectionSocketFeature>()?.Socket;
        var result = socket is null
            ? AttestationResult.Failed("the connection exposes no socket to attest")
            : attestor.Attest(socket);
        connection.Features.Set(new WorkloadAttestationFeature(result));
        connection.Items[typeof(WorkloadAttestationFeature)] = result;
        return next(connection);
    };
}
