using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Postern.Agent.WorkloadApi;
using Postern.Verification;

namespace Postern.Bench.Soak;

/// <summary>
/// One request of each kind. Each call answers null when the request did what was expected, or what went wrong:
/// a status other than 200, a socket error, an RPC error, an SVID that does not verify against the published key set.
/// Sign-ins come from <c>signInAddresses</c> loopback addresses 127.<c>addressBlock</c>.x.y in turn, as many
/// clients would: one address alone may sign in only 30 times a minute.
/// </summary>
internal sealed class Targets : IAsyncDisposable
{
    private readonly SoakSettings _settings;
    private readonly HttpClient _app;
    private readonly HttpMessageInvoker[] _signIn;
    private readonly byte[] _signInBody;
    private readonly GrpcChannel _channel;
    private readonly SpiffeWorkloadAPI.SpiffeWorkloadAPIClient _workloadApi;
    private readonly HttpClient _keySetClient;
    private readonly JsonWebKeySetCache _workloadKeys;
    private readonly Metadata _workloadHeader = new() { { "workload.spiffe.io", "true" } };
    private long _signIns;
    private long _audiences;

    public Targets(SoakSettings settings, int addressBlock, int signInAddresses)
    {
        _settings = settings;
        var server = new DnsEndPoint("127.0.0.1", settings.Server.Port);
        _app = new HttpClient(Handler(settings, server, local: null)) { Timeout = TimeSpan.FromSeconds(30) };
        _signIn = Enumerable.Range(0, signInAddresses)
            .Select(i => new HttpMessageInvoker(Handler(settings, server, new IPAddress([127, (byte)addressBlock, (byte)(i / 250), (byte)((i % 250) + 1)]))))
            .ToArray();
        _signInBody = JsonSerializer.SerializeToUtf8Bytes(new { username = settings.User, password = settings.Password });
        _channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, cancellationToken) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(settings.Socket), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                },
            },
        });
        _workloadApi = new SpiffeWorkloadAPI.SpiffeWorkloadAPIClient(_channel);
        _keySetClient = ServerTrust.Client(settings.CaFile);
        _workloadKeys = new JsonWebKeySetCache(_keySetClient, settings.WorkloadKeySet, TimeProvider.System);
    }

    public Task<string?> CallAsync(RequestKind kind, CancellationToken cancellationToken) => kind switch
    {
        RequestKind.App => AppAsync(cancellationToken),
        RequestKind.SignIn => SignInAsync(cancellationToken),
        _ => SvidAsync(cancellationToken),
    };

    private async Task<string?> AppAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _settings.App);
        request.Headers.Add("Cookie", _settings.AppCookie);
        return await ExpectOkAsync(_app, request, cancellationToken);
    }

    private async Task<string?> SignInAsync(CancellationToken cancellationToken)
    {
        var client = _signIn[(int)(Interlocked.Increment(ref _signIns) % _signIn.Length)];
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_settings.Server, "/v1/login"))
        {
            Content = new ByteArrayContent(_signInBody) { Headers = { { "Content-Type", "application/json" } } },
        };
        return await ExpectOkAsync(client, request, cancellationToken);
    }

    private async Task<string?> SvidAsync(CancellationToken cancellationToken)
    {
        var audience = $"soak-{Interlocked.Increment(ref _audiences)}";
        JWTSVIDResponse response;
        try
        {
            response = await _workloadApi.FetchJWTSVIDAsync(new JWTSVIDRequest { Audience = { audience } }, _workloadHeader, cancellationToken: cancellationToken);
        }
        catch (RpcException e)
        {
            return $"FetchJWTSVID: {e.StatusCode} {e.Status.Detail}";
        }

        if (response.Svids.Count == 0)
        {
            return "FetchJWTSVID: no SVID in the answer";
        }

        var validator = new PosternTokenValidator(_workloadKeys, new PosternTokenValidatorOptions { TrustDomain = _settings.TrustDomain, Audiences = [audience] }, TimeProvider.System);
        var result = await validator.ValidateAsync(response.Svids[0].Svid, cancellationToken);
        return result.IsValid ? null : $"the SVID does not verify: {result}";
    }

    private static async Task<string?> ExpectOkAsync(HttpMessageInvoker client, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return response.StatusCode == HttpStatusCode.OK
                ? null
                : $"{request.Method} {request.RequestUri!.AbsolutePath}: {(int)response.StatusCode} {Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 200)))}";
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            return $"{request.Method} {request.RequestUri!.AbsolutePath}: {e.GetType().Name}: {e.Message}";
        }
    }

    private static SocketsHttpHandler Handler(SoakSettings settings, DnsEndPoint server, IPAddress? local) => new()
    {
        UseCookies = false,
        AllowAutoRedirect = false,
        MaxConnectionsPerServer = 64,
        SslOptions = ServerTrust.Options(settings.CaFile),
        ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                if (local is not null)
                {
                    socket.Bind(new IPEndPoint(local, 0));
                }

                await socket.ConnectAsync(server, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    public async ValueTask DisposeAsync()
    {
        _app.Dispose();
        foreach (var client in _signIn)
        {
            client.Dispose();
        }

        await _channel.ShutdownAsync();
        _channel.Dispose();
        _keySetClient.Dispose();
    }
}
