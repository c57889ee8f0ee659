using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Postern.Agent.WorkloadApi;

namespace Postern.Agent.Tests.Infrastructure;

/// <summary>A Workload API client over the agent's Unix socket, generated from the agent's .proto as any client would be.</summary>
internal sealed class WorkloadClient : IDisposable
{
    private readonly GrpcChannel _channel;

    public WorkloadClient(string socketPath)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        _channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = handler });
        Api = new SpiffeWorkloadAPI.SpiffeWorkloadAPIClient(_channel);
    }

    public SpiffeWorkloadAPI.SpiffeWorkloadAPIClient Api { get; }

    /// <summary>The metadata every Workload API call must carry.</summary>
    public static Metadata SecurityHeader => new() { { "workload.spiffe.io", "true" } };

    public Task<JWTSVIDResponse> FetchAsync(params string[] audiences) => FetchAsync(audiences, spiffeId: "");

    public async Task<JWTSVIDResponse> FetchAsync(string[] audiences, string spiffeId)
    {
        var request = new JWTSVIDRequest { SpiffeId = spiffeId };
        request.Audience.AddRange(audiences);
        return await Api.FetchJWTSVIDAsync(request, SecurityHeader);
    }

    public void Dispose() => _channel.Dispose();
}
