using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Postern.Agent.Attestation;
using Postern.WorkloadIdentity.Api;

namespace Postern.Agent.Server;

/// <summary>
/// The server endpoints the agent calls: join and renew for the bot credential, JWT-SVID and X.509-SVID issuance, the X.509 bundle,
/// the policy revision and the workload key set. Expected failures come back as a
/// <see cref="ServerAnswer{T}"/>; only cancellation by the caller throws.
/// </summary>
internal sealed class IssuanceApi(HttpClient http, Uri server, AgentTelemetry? telemetry = null)
{
    public const string KeySetPath = "/workload-identity/jwt-jwks.json";

    public Uri Server { get; } = server;

    private static WorkloadApiJsonContext Json => WorkloadApiJsonContext.Default;

    private static WorkloadApiJsonContext Answers => WorkloadApiJsonContext.Answers;

    public Task<ServerAnswer<BotCredentialGrant>> JoinAsync(string joinToken, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, WorkloadApiPaths.Join, credential: null, JsonContent.Create(new JoinRequest(joinToken, Agent: true), Json.JoinRequest), Answers.BotCredentialGrant, cancellationToken);

    public Task<ServerAnswer<BotCredentialGrant>> RenewAsync(string credential, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, WorkloadApiPaths.Renew, credential, content: null, Answers.BotCredentialGrant, cancellationToken);

    public Task<ServerAnswer<JwtSvidResponse>> FetchSvidsAsync(string credential, UnixWorkload workload, IReadOnlyList<string> audiences, CancellationToken cancellationToken)
    {
        var body = new JwtSvidRequest(audiences, Workload: Attestation(workload));
        return SendAsync(HttpMethod.Post, WorkloadApiPaths.JwtSvids, credential, JsonContent.Create(body, Json.JwtSvidRequest), Answers.JwtSvidResponse, cancellationToken);
    }

    public Task<ServerAnswer<X509SvidResponse>> FetchX509SvidAsync(string credential, UnixWorkload workload, byte[] csr, CancellationToken cancellationToken)
    {
        var body = new X509SvidRequest(Convert.ToBase64String(csr), Workload: Attestation(workload));
        return SendAsync(HttpMethod.Post, WorkloadApiPaths.X509Svids, credential, JsonContent.Create(body, Json.X509SvidRequest), Answers.X509SvidResponse, cancellationToken);
    }

    public Task<ServerAnswer<X509BundleDocument>> GetX509BundleAsync(CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, WorkloadApiPaths.X509Bundle, credential: null, content: null, Answers.X509BundleDocument, cancellationToken);

    public Task<ServerAnswer<PolicyRevision>> GetPolicyAsync(string credential, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, WorkloadApiPaths.Policy, credential, content: null, Answers.PolicyRevision, cancellationToken);

    /// <summary>Fetches the key set; <see cref="ServerOutcome.NotModified"/> when it still has <paramref name="etag"/>.</summary>
    public async Task<ServerAnswer<KeySetDocument>> GetKeySetAsync(string? etag, CancellationToken cancellationToken)
    {
        var answer = await FetchKeySetAsync(etag, cancellationToken).ConfigureAwait(false);
        telemetry?.ServerAnswered(answer.Outcome);
        if (answer.Outcome is ServerOutcome.Ok or ServerOutcome.NotModified)
        {
            telemetry?.KeySetRefreshed();
        }

        return answer;
    }

    /// <summary>
    /// Fetches the bundles of the trust domains the server federates with (one JSON object keyed by trust domain ID);
    /// <see cref="ServerOutcome.NotModified"/> when they still have <paramref name="etag"/>.
    /// </summary>
    public async Task<ServerAnswer<KeySetDocument>> GetFederatedBundlesAsync(string credential, string? etag, CancellationToken cancellationToken)
    {
        var answer = await FetchKeySetAsync(etag, cancellationToken, WorkloadApiPaths.FederatedBundles, credential).ConfigureAwait(false);
        telemetry?.ServerAnswered(answer.Outcome);
        return answer;
    }

    private async Task<ServerAnswer<KeySetDocument>> FetchKeySetAsync(string? etag, CancellationToken cancellationToken, string path = KeySetPath, string? credential = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Server, path));
        if (credential is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        }

        if (etag is not null && EntityTagHeaderValue.TryParse(etag, out var tag))
        {
            request.Headers.IfNoneMatch.Add(tag);
        }

        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                return new ServerAnswer<KeySetDocument>(ServerOutcome.NotModified, null, "", etag);
            }

            if (!response.IsSuccessStatusCode)
            {
                return await FailureAsync<KeySetDocument>(response, cancellationToken).ConfigureAwait(false);
            }

            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var newTag = response.Headers.ETag?.ToString();
            return ServerAnswer<KeySetDocument>.Ok(new KeySetDocument(bytes, newTag), newTag);
        }
        catch (Exception e) when (IsUnavailable(e, cancellationToken))
        {
            return ServerAnswer<KeySetDocument>.Failed(ServerOutcome.Unavailable, Unreachable(e));
        }
    }

    private static WorkloadAttestation Attestation(UnixWorkload workload) =>
        new(new UnixAttestation(workload.Uid, workload.Gid, workload.Pid, workload.Exe, workload.ExeSha256));

    private async Task<ServerAnswer<T>> SendAsync<T>(HttpMethod method, string path, string? credential, HttpContent? content, JsonTypeInfo<T> answer, CancellationToken cancellationToken)
        where T : class
    {
        var received = await SendOnceAsync(method, path, credential, content, answer, cancellationToken).ConfigureAwait(false);
        telemetry?.ServerAnswered(received.Outcome);
        return received;
    }

    private async Task<ServerAnswer<T>> SendOnceAsync<T>(HttpMethod method, string path, string? credential, HttpContent? content, JsonTypeInfo<T> answer, CancellationToken cancellationToken)
        where T : class
    {
        using var request = new HttpRequestMessage(method, new Uri(Server, path)) { Content = content };
        if (credential is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        }

        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return await FailureAsync<T>(response, cancellationToken).ConfigureAwait(false);
            }

            var value = await response.Content.ReadFromJsonAsync(answer, cancellationToken).ConfigureAwait(false);
            return value is null
                ? ServerAnswer<T>.Failed(ServerOutcome.Unavailable, $"the server answered {path} with an empty body")
                : ServerAnswer<T>.Ok(value);
        }
        catch (JsonException e)
        {
            return ServerAnswer<T>.Failed(ServerOutcome.Unavailable, $"the server's answer to {path} is not the expected JSON: {e.Message}");
        }
        catch (Exception e) when (IsUnavailable(e, cancellationToken))
        {
            return ServerAnswer<T>.Failed(ServerOutcome.Unavailable, Unreachable(e));
        }
    }

    private static async Task<ServerAnswer<T>> FailureAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
        where T : class
    {
        var outcome = response.StatusCode switch
        {
            HttpStatusCode.BadRequest => ServerOutcome.BadRequest,
            HttpStatusCode.Unauthorized => ServerOutcome.Unauthenticated,
            HttpStatusCode.Forbidden => ServerOutcome.Forbidden,
            _ => ServerOutcome.Unavailable,
        };
        string? message = null;
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            message = text.Length == 0 ? null : JsonSerializer.Deserialize(text, Answers.ApiError)?.Error;
        }
        catch (JsonException)
        {
        }

        message ??= $"the server answered {(int)response.StatusCode} {response.ReasonPhrase}";
        return ServerAnswer<T>.Failed(outcome, message);
    }

    private static bool IsUnavailable(Exception e, CancellationToken cancellationToken) =>
        e is HttpRequestException || e is IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private string Unreachable(Exception e) => e is OperationCanceledException
        ? $"the server at {Server} did not answer in time"
        : $"the server at {Server} is unreachable: {e.Message}";
}
