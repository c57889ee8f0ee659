using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Postern.WorkloadIdentity;
using Postern.WorkloadIdentity.Api;

namespace Postern.Agent.Tests.Infrastructure;

/// <summary>
/// The server's bot and workload identity API as the agent sees it, in memory: join tokens, bot
/// credentials, a lock switch, a policy revision, SVIDs signed with a real RS256 key, and the key set
/// with an ETag. It can be made unreachable. Policy: uid → SPIFFE ID paths. Bodies are read and written with the
/// contract's records and checks, as the real server does, so a member the agent should not send is refused.
/// </summary>
internal sealed class FakeServer : HttpMessageHandler
{
    public const string TrustDomain = "test.example.com";

    private readonly object _lock = new();
    private readonly HashSet<string> _joinTokens = [];
    private readonly Dictionary<string, string> _credentials = [];
    private readonly HashSet<string> _renewing = [];
    private readonly List<(string Kid, RSA Key)> _keys = [];
    private readonly TimeProvider _time;
    private int _keyVersion;

    public FakeServer(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        RotateKey();
    }

    /// <summary>SPIFFE ID paths per uid; a uid not here is denied with 403.</summary>
    public Dictionary<long, string[]> PathsByUid { get; } = [];

    public bool Reachable { get; set; } = true;

    public bool Locked { get; set; }

    public long PolicyRevision { get; set; } = 1;

    public TimeSpan CredentialTtl { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan SvidTtl { get; set; } = TimeSpan.FromMinutes(5);

    public int SvidRequests;

    public int RenewRequests;

    /// <summary>How long a renewal takes after it arrived; the presented credential counts as superseded from its arrival.</summary>
    public TimeSpan RenewDelay { get; set; }

    /// <summary>Completed when a delayed renewal (<see cref="RenewDelay"/>) arrives.</summary>
    public TaskCompletionSource RenewArrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Requests that presented a credential after a renewal of it had arrived: what the real server takes for theft.</summary>
    public int SupersededPresented;

    /// <summary>Every SVID request that passed <see cref="SvidRequest.TryParse"/>, as read.</summary>
    public List<SvidRequest> SvidRequestsRead { get; } = [];

    public RSA SigningKey => _keys[^1].Key;

    public string SigningKeyId => _keys[^1].Kid;

    public string AddJoinToken()
    {
        var token = "join-" + Guid.NewGuid().ToString("N");
        lock (_lock)
        {
            _joinTokens.Add(token);
        }

        return token;
    }

    /// <summary>A new signing key, published next to the old one (the key set and its ETag change).</summary>
    public void RotateKey()
    {
        lock (_lock)
        {
            _keyVersion++;
            _keys.Add(($"key-{_keyVersion}", RSA.Create(2048)));
        }
    }

    public string Sign(JsonObject claims, string? kid = null, RSA? key = null)
    {
        var header = new JsonObject { ["alg"] = "RS256", ["kid"] = kid ?? SigningKeyId, ["typ"] = "JWT" };
        var input = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var signature = (key ?? SigningKey).SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return input + "." + Base64Url.EncodeToString(signature);
    }

    public string KeySetJson()
    {
        lock (_lock)
        {
            var keys = new JsonArray();
            foreach (var (kid, key) in _keys)
            {
                var parameters = key.ExportParameters(false);
                keys.Add(new JsonObject
                {
                    ["kty"] = "RSA",
                    ["n"] = Base64Url.EncodeToString(parameters.Modulus),
                    ["e"] = Base64Url.EncodeToString(parameters.Exponent),
                    ["alg"] = "RS256",
                    ["use"] = "sig",
                    ["kid"] = kid,
                });
            }

            return new JsonObject { ["keys"] = keys }.ToJsonString();
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!Reachable)
        {
            throw new HttpRequestException("Connection refused (fake server is down)");
        }

        var path = request.RequestUri!.AbsolutePath;
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        if ((request.Method.Method, path) == ("POST", WorkloadApiPaths.Renew) && RenewDelay > TimeSpan.Zero)
        {
            lock (_lock)
            {
                if (Authenticate(request) is null)
                {
                    _renewing.Add(request.Headers.Authorization!.Parameter!);
                }
            }

            RenewArrived.TrySetResult();

            await Task.Delay(RenewDelay, cancellationToken);
        }

        lock (_lock)
        {
            return (request.Method.Method, path) switch
            {
                ("POST", WorkloadApiPaths.Join) => Join(body),
                ("POST", WorkloadApiPaths.Renew) => Renew(request),
                ("POST", WorkloadApiPaths.JwtSvids) => IssueSvids(request, body),
                ("GET", WorkloadApiPaths.Policy) => Policy(request),
                ("GET", "/workload-identity/jwt-jwks.json") => KeySet(request),
                _ => Error(HttpStatusCode.NotFound, "no such endpoint"),
            };
        }
    }

    private HttpResponseMessage Join(byte[] body)
    {
        if (!JoinRequest.TryParse(body, out var join, out var problem))
        {
            return Error(HttpStatusCode.BadRequest, problem);
        }

        if (!_joinTokens.Remove(join.Token))
        {
            return Error(HttpStatusCode.Unauthorized, "the join token is unknown, used or expired");
        }

        return NewCredential();
    }

    private HttpResponseMessage Renew(HttpRequestMessage request)
    {
        RenewRequests++;
        if (Authenticate(request) is { } failure)
        {
            return failure;
        }

        _credentials.Remove(request.Headers.Authorization!.Parameter!);
        return NewCredential();
    }

    private HttpResponseMessage NewCredential()
    {
        var credential = "cred-" + Guid.NewGuid().ToString("N");
        _credentials[credential] = "agent";
        return Json(new BotCredentialGrant("agent", credential, _time.GetUtcNow() + CredentialTtl, TrustDomain), Contract.BotCredentialGrant);
    }

    private HttpResponseMessage IssueSvids(HttpRequestMessage request, byte[] body)
    {
        SvidRequests++;
        if (Authenticate(request) is { } failure)
        {
            return failure;
        }

        if (!SvidRequest.TryParse(body, new WorkloadCaller { Kind = WorkloadCallerKind.Bot, Name = "agent", Agent = true }, TimeSpan.FromHours(1), out var read, out var problem))
        {
            return Error(HttpStatusCode.BadRequest, problem.Message);
        }

        SvidRequestsRead.Add(read);
        var uid = read.Unix?.Uid;
        if (uid is null || !PathsByUid.TryGetValue(uid.Value, out var paths))
        {
            return Error(HttpStatusCode.Forbidden, $"no workload identity admits uid {uid}");
        }

        var now = _time.GetUtcNow();
        var expires = now + SvidTtl;
        var svids = new List<IssuedSvid>();
        foreach (var path in paths)
        {
            var jti = Guid.NewGuid().ToString("N");
            var spiffeId = $"spiffe://{TrustDomain}{path}";
            var claims = new JsonObject
            {
                ["sub"] = spiffeId,
                ["aud"] = new JsonArray(read.Audiences.Select(a => (JsonNode)a!).ToArray()),
                ["exp"] = expires.ToUnixTimeSeconds(),
                ["iat"] = now.ToUnixTimeSeconds(),
                ["jti"] = jti,
                ["iss"] = "https://127.0.0.1/workload-identity",
            };
            svids.Add(new IssuedSvid(spiffeId, Sign(claims), DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()), jti, "by-uid", Hint: null));
        }

        return Json(new JwtSvidResponse(svids), Contract.JwtSvidResponse);
    }

    private HttpResponseMessage Policy(HttpRequestMessage request) =>
        Authenticate(request) ?? Json(new PolicyRevision(PolicyRevision), Contract.PolicyRevision);

    private HttpResponseMessage KeySet(HttpRequestMessage request)
    {
        var json = KeySetJson();
        var etag = "\"" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..16] + "\"";
        if (request.Headers.IfNoneMatch.Any(t => t.Tag == etag))
        {
            var notModified = new HttpResponseMessage(HttpStatusCode.NotModified);
            notModified.Headers.ETag = new System.Net.Http.Headers.EntityTagHeaderValue(etag);
            return notModified;
        }

        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        response.Headers.ETag = new System.Net.Http.Headers.EntityTagHeaderValue(etag);
        return response;
    }

    private HttpResponseMessage? Authenticate(HttpRequestMessage request)
    {
        var credential = request.Headers.Authorization?.Parameter;
        if (credential is not null && _renewing.Contains(credential) && request.RequestUri!.AbsolutePath != WorkloadApiPaths.Renew)
        {
            SupersededPresented++;
        }

        if (credential is null || !_credentials.ContainsKey(credential))
        {
            return Error(HttpStatusCode.Unauthorized, "unknown or expired credential");
        }

        return Locked ? Error(HttpStatusCode.Forbidden, "bot 'agent' is locked") : null;
    }

    private static WorkloadApiJsonContext Contract => WorkloadApiJsonContext.Default;

    private static HttpResponseMessage Json<T>(T body, JsonTypeInfo<T> info, HttpStatusCode status = HttpStatusCode.OK) => new(status)
    {
        Content = new StringContent(JsonSerializer.Serialize(body, info), Encoding.UTF8, "application/json"),
    };

    private static HttpResponseMessage Error(HttpStatusCode status, string message) => Json(new ApiError(message), Contract.ApiError, status);
}
