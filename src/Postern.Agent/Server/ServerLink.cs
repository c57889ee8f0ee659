using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Postern.Agent.Attestation;
using Postern.Agent.Bundles;
using Postern.Agent.Caching;
using Postern.TrustBundles;
using Postern.WorkloadIdentity.Api;

namespace Postern.Agent.Server;

/// <summary>
/// The agent's standing with the server: its bot credential (joined, stored, renewed half-way through
/// its life), whether the server still accepts it, the policy revision, the trust domain's bundle and
/// the SVID cache. <see cref="RunAsync"/> keeps all of these current; <see cref="FetchSvidsAsync"/>
/// answers the Workload API from the cache, or from the server on a miss.
/// </summary>
internal sealed class ServerLink
{
    private readonly IssuanceApi _api;
    private readonly CredentialFile _file;
    private readonly AgentOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CredentialGate _gate = new();
    private readonly RefusalCache _refusals = new(capacity: 10_000);
    private readonly SemaphoreSlim _fetches = new(MaxConcurrentFetches);
    private BotCredential? _credential;
    private string? _refusal;
    private long? _policyRevision;
    private bool _joinTokenUnused;

    // The ETag of the server's federated bundles document last published, for the next conditional read.
    private volatile string? _federatedETag;

    public ServerLink(IssuanceApi api, CredentialFile file, AgentOptions options, SvidCache cache, BundleWatch<JwtBundle> bundles, BundleWatch<X509Bundle> x509Bundles, ILogger<ServerLink> logger)
    {
        _api = api;
        _file = file;
        _options = options;
        _time = options.Time;
        _logger = logger;
        Cache = cache;
        Bundles = bundles;
        X509Bundles = x509Bundles;
        _joinTokenUnused = !string.IsNullOrEmpty(options.JoinToken);
    }

    /// <summary>Requests for SVIDs the agent has at the server at once; further callers wait their turn.</summary>
    public const int MaxConcurrentFetches = 16;

    public SvidCache Cache { get; }

    public BundleWatch<JwtBundle> Bundles { get; }

    /// <summary>The trust domain's X.509 bundle, refreshed with the key set.</summary>
    public BundleWatch<X509Bundle> X509Bundles { get; }

    public BotCredential? Credential => Volatile.Read(ref _credential);

    /// <summary>The server's message when it refuses the agent's credential (e.g. a locked bot); null while it accepts it.</summary>
    public string? Refusal => Volatile.Read(ref _refusal);

    /// <summary>
    /// Takes the stored credential, or joins with the join token. A refused join token fails the start;
    /// an unreachable server does not: the background loop keeps trying to join.
    /// </summary>
    /// <exception cref="AgentStartException">No credential is stored and there is no join token, or the server refused the token.</exception>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (_file.Load(_api.Server) is { } stored && stored.Expires > _time.GetUtcNow())
        {
            SetCredential(stored);
            _logger.CredentialLoaded(stored.Bot, _file.Path, stored.Expires);
        }
        else if (string.IsNullOrEmpty(_options.JoinToken))
        {
            throw new AgentStartException($"no usable credential in {_file.Path} and no join token: run 'postern bots add NAME --roles R --agent' and pass --join-token");
        }
        else
        {
            var joined = await JoinAsync(cancellationToken).ConfigureAwait(false);
            if (joined.Outcome is not (ServerOutcome.Ok or ServerOutcome.Unavailable))
            {
                throw new AgentStartException($"the server refused the join token: {joined.Message}");
            }
        }

        // Best effort, so that the bundle is there when the socket opens; the loop retries.
        await TickAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Polls the server every <see cref="AgentOptions.PollInterval"/>, backing off while it is unreachable, until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            TimeSpan delay;
            var failure = await TickAsync(cancellationToken).ConfigureAwait(false);
            if (failure is null)
            {
                failures = 0;
                delay = _options.PollInterval;
            }
            else
            {
                delay = RetryDelay(failures++);
                _logger.ServerUnavailable(failure, delay);
            }

            try
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One round: join or renew when due, the policy revision, the key set, and the cache entries due for renewal.</summary>
    /// <returns>Null when the server answered; otherwise why it could not be reached.</returns>
    public async Task<string?> TickAsync(CancellationToken cancellationToken)
    {
        var credential = Credential;
        if (credential is null)
        {
            if (Refusal is not null)
            {
                return null;
            }

            var joined = await JoinAsync(cancellationToken).ConfigureAwait(false);
            if (joined.Outcome == ServerOutcome.Unavailable)
            {
                return joined.Message;
            }

            credential = Credential;
            if (credential is null)
            {
                return null;
            }
        }

        if (_time.GetUtcNow() >= credential.RenewAt)
        {
            ServerAnswer<BotCredentialGrant> renewed;

            // Alone: a request that presented the old credential after the renewal reached the server would read as theft.
            using (await _gate.RenewAsync(cancellationToken).ConfigureAwait(false))
            {
                renewed = await _api.RenewAsync(credential.Credential, cancellationToken).ConfigureAwait(false);
                if (renewed.Outcome == ServerOutcome.Ok)
                {
                    credential = BotCredential.From(renewed.Value!, _api.Server, _time.GetUtcNow());
                    _file.Save(credential);
                    SetCredential(credential);
                }
            }

            switch (renewed.Outcome)
            {
                case ServerOutcome.Ok:
                    _logger.CredentialRenewed(credential.Bot, credential.Expires);
                    break;
                case ServerOutcome.Unavailable:
                    return renewed.Message;
                default:
                    return await RejectedAsync(renewed.Outcome, renewed.Message, cancellationToken).ConfigureAwait(false);
            }
        }

        var policy = await _api.GetPolicyAsync(credential.Credential, cancellationToken).ConfigureAwait(false);
        switch (policy.Outcome)
        {
            case ServerOutcome.Ok:
                Accept();
                var revision = policy.Value!.Revision;
                if (_policyRevision is { } previous && previous != revision)
                {
                    Cache.Clear();
                    _logger.PolicyChanged(previous, revision);
                }

                _policyRevision = revision;
                break;
            case ServerOutcome.Unavailable:
                return policy.Message;
            default:
                return await RejectedAsync(policy.Outcome, policy.Message, cancellationToken).ConfigureAwait(false);
        }

        var keys = await _api.GetKeySetAsync(Bundles.Current?.ETag, cancellationToken).ConfigureAwait(false);
        if (keys.Outcome == ServerOutcome.Unavailable)
        {
            return keys.Message;
        }

        if (keys.IsOk)
        {
            PublishBundle(credential.TrustDomain, keys.Value!);
        }

        // Best effort: a server without federation (or an older one, without the path) leaves the federated bundles as they were.
        var federated = await _api.GetFederatedBundlesAsync(credential.Credential, _federatedETag, cancellationToken).ConfigureAwait(false);
        if (federated.IsOk)
        {
            PublishFederated(federated.Value!);
        }

        // A server without X.509-SVIDs (older than the agent) leaves the X.509 bundle unset; the JWT profile goes on.
        var x509 = await _api.GetX509BundleAsync(cancellationToken).ConfigureAwait(false);
        if (x509.IsOk)
        {
            PublishX509Bundle(x509.Value!);
        }

        return await RenewCachedAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A new X.509-SVID for <paramref name="workload"/>: a P-256 key made here (it never leaves this host), its CSR
    /// signed by the server. Not cached: each Workload API stream holds its own and asks again at half its life.
    /// </summary>
    public async Task<X509SvidFetchResult> FetchX509SvidAsync(UnixWorkload workload, CancellationToken cancellationToken)
    {
        if (Refusal is { } refusal)
        {
            return X509SvidFetchResult.Failed(SvidFetchFailure.Denied, refusal);
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest("CN=postern-agent", key, HashAlgorithmName.SHA256).CreateSigningRequest();
        await _fetches.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var use = await _gate.UseAsync(cancellationToken).ConfigureAwait(false);
            if (Credential is not { } credential)
            {
                return X509SvidFetchResult.Failed(SvidFetchFailure.Unavailable, "the agent has not joined the server yet: it is unreachable");
            }

            var issued = _time.GetUtcNow();
            var answer = await _api.FetchX509SvidAsync(credential.Credential, workload, csr, cancellationToken).ConfigureAwait(false);
            if (answer.Outcome == ServerOutcome.Unauthenticated && Credential is { } current && !ReferenceEquals(current, credential))
            {
                // The credential was renewed while this request was on its way: ask once more with the new one.
                answer = await _api.FetchX509SvidAsync(current.Credential, workload, csr, cancellationToken).ConfigureAwait(false);
            }

            return answer.Outcome switch
            {
                ServerOutcome.Ok => new X509SvidFetchResult(answer.Value!, key.ExportPkcs8PrivateKey(), issued, SvidFetchFailure.None, ""),
                ServerOutcome.BadRequest => X509SvidFetchResult.Failed(SvidFetchFailure.BadRequest, answer.Message),
                ServerOutcome.Unauthenticated or ServerOutcome.Forbidden => X509SvidFetchResult.Failed(SvidFetchFailure.Denied, answer.Message),
                _ => X509SvidFetchResult.Failed(SvidFetchFailure.Unavailable, answer.Message),
            };
        }
        finally
        {
            _fetches.Release();
        }
    }

    private void PublishX509Bundle(X509BundleDocument document)
    {
        X509Bundle bundle;
        try
        {
            bundle = new X509Bundle(document.TrustDomain, [.. document.Certificates.Select(Convert.FromBase64String)]);
        }
        catch (FormatException e)
        {
            _logger.KeySetUnreadable("the X.509 bundle: " + e.Message);
            return;
        }

        if (X509Bundles.Current is { } current && current.SameAs(bundle))
        {
            return;
        }

        X509Bundles.Publish(bundle);
        _logger.BundleChanged(bundle.TrustDomain, $"{bundle.Certificates.Count} X.509 CA certificate(s)");
    }

    /// <summary>
    /// The SVIDs for <paramref name="workload"/> and <paramref name="audiences"/>: from the cache when it
    /// holds an unexpired answer (no I/O at all), otherwise from the server.
    /// </summary>
    public async Task<SvidFetchResult> FetchSvidsAsync(UnixWorkload workload, IEnumerable<string> audiences, CancellationToken cancellationToken)
    {
        if (Refusal is { } refusal)
        {
            return SvidFetchResult.Failed(SvidFetchFailure.Denied, refusal);
        }

        var key = SvidCacheKey.For(workload, audiences);
        if (Cache.TryGet(key, _time.GetUtcNow(), out var cached))
        {
            return SvidFetchResult.Ok(cached.Svids, fromCache: true);
        }

        if (_refusals.TryGet(key, Cache.Generation, _time.GetUtcNow(), out var refused))
        {
            return SvidFetchResult.Failed(SvidFetchFailure.Denied, refused);
        }

        SvidFetchResult result;
        CachedSvids? entry;
        long generation;
        await _fetches.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            (result, entry, generation) = await IssueAsync(key, workload, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _fetches.Release();
        }

        if (entry is not null)
        {
            // Fetched for a caller: that is a use, so it is renewed at half its life like a cache hit would be.
            entry.MarkUsed();
            Cache.Put(entry, generation);
            _logger.SvidsIssued(workload.Uid, workload.Gid, workload.Exe, TokenIds(entry.Svids));
        }
        else if (result.Failure == SvidFetchFailure.Denied)
        {
            _logger.SvidsDenied(workload.Uid, workload.Gid, workload.Exe, result.Message);
            if (Refusal is null && Credential is not null)
            {
                // Policy's answer for this caller, not a problem of the agent's credential: repeat it for a while.
                _refusals.Put(key, generation, _time.GetUtcNow(), result.Message);
            }
        }

        return result;
    }

    private async Task<(SvidFetchResult Result, CachedSvids? Entry, long Generation)> IssueAsync(SvidCacheKey key, UnixWorkload workload, CancellationToken cancellationToken)
    {
        var generation = Cache.Generation;
        using var use = await _gate.UseAsync(cancellationToken).ConfigureAwait(false);
        var credential = Credential;
        if (credential is null)
        {
            return (SvidFetchResult.Failed(SvidFetchFailure.Unavailable, "the agent has not joined the server yet: it is unreachable"), null, generation);
        }

        var answer = await _api.FetchSvidsAsync(credential.Credential, workload, key.Audiences, cancellationToken).ConfigureAwait(false);
        if (answer.Outcome == ServerOutcome.Unauthenticated && Credential is { } current && !ReferenceEquals(current, credential))
        {
            // The credential was renewed while this request was on its way: ask once more with the new one.
            answer = await _api.FetchSvidsAsync(current.Credential, workload, key.Audiences, cancellationToken).ConfigureAwait(false);
        }

        switch (answer.Outcome)
        {
            case ServerOutcome.Ok:
                var svids = Usable(answer.Value!);
                if (svids.Count == 0)
                {
                    return (SvidFetchResult.Failed(SvidFetchFailure.Denied, "no workload identity admits this workload"), null, generation);
                }

                var entry = new CachedSvids(key, workload, svids, _time.GetUtcNow());
                return (SvidFetchResult.Ok(svids, fromCache: false), entry, generation);
            case ServerOutcome.BadRequest:
                return (SvidFetchResult.Failed(SvidFetchFailure.BadRequest, answer.Message), null, generation);
            case ServerOutcome.Unauthenticated:
            case ServerOutcome.Forbidden:
                return (SvidFetchResult.Failed(SvidFetchFailure.Denied, answer.Message), null, generation);
            default:
                return (SvidFetchResult.Failed(SvidFetchFailure.Unavailable, answer.Message), null, generation);
        }
    }

    private async Task<string?> RenewCachedAsync(CancellationToken cancellationToken)
    {
        foreach (var due in Cache.TakeDueForRenewal(_time.GetUtcNow()))
        {
            var (result, entry, generation) = await IssueAsync(due.Key, due.Workload, cancellationToken).ConfigureAwait(false);
            if (entry is not null)
            {
                Cache.Put(entry, generation);
                _logger.SvidsRenewed(due.Workload.Uid, due.Workload.Gid, TokenIds(entry.Svids));
            }
            else if (result.Failure == SvidFetchFailure.Unavailable)
            {
                return result.Message;
            }
            else
            {
                // No longer admitted: the next request asks the server and gets its answer.
                Cache.Remove(due);
            }
        }

        return null;
    }

    /// <summary>
    /// The server refused the credential. A stored credential the server no longer knows (401) is replaced by
    /// joining with the join token, if one was given and not used yet; otherwise every fetch is denied.
    /// </summary>
    private async Task<string?> RejectedAsync(ServerOutcome outcome, string message, CancellationToken cancellationToken)
    {
        if (outcome == ServerOutcome.Unauthenticated && _joinTokenUnused)
        {
            var joined = await JoinAsync(cancellationToken).ConfigureAwait(false);
            return joined.Outcome == ServerOutcome.Unavailable ? joined.Message : null;
        }

        Refuse(outcome, message);
        return null;
    }

    private async Task<ServerAnswer<BotCredentialGrant>> JoinAsync(CancellationToken cancellationToken)
    {
        var joined = await _api.JoinAsync(_options.JoinToken!, cancellationToken).ConfigureAwait(false);
        _joinTokenUnused &= joined.Outcome == ServerOutcome.Unavailable;
        switch (joined.Outcome)
        {
            case ServerOutcome.Ok:
                var credential = BotCredential.From(joined.Value!, _api.Server, _time.GetUtcNow());
                _file.Save(credential);
                SetCredential(credential);
                _logger.Joined(credential.Bot, credential.TrustDomain, credential.Expires);
                break;
            case ServerOutcome.Unavailable:
                break;
            default:
                Refuse(joined.Outcome, "the join token was refused: " + joined.Message);
                break;
        }

        return joined;
    }

    private void PublishBundle(string trustDomain, KeySetDocument keySet)
    {
        if (!JwtBundle.TryCreate(trustDomain, keySet.Json, keySet.ETag, out var bundle, out var error))
        {
            _logger.KeySetUnreadable(error);
            return;
        }

        if (Bundles.Current is { } current && current.SpiffeJson.AsSpan().SequenceEqual(bundle.SpiffeJson) && current.TrustDomain == bundle.TrustDomain)
        {
            return;
        }

        Bundles.Publish(bundle);
        _logger.BundleChanged(trustDomain, string.Join(", ", bundle.Keys.KeyIds));
    }

    /// <summary>Reads the server's federated bundles; one that is unreadable is left out (logged), the others are published.</summary>
    private void PublishFederated(KeySetDocument document)
    {
        var bundles = new Dictionary<string, JwtBundle>(StringComparer.Ordinal);
        var x509 = new Dictionary<string, X509Bundle>(StringComparer.Ordinal);
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(document.Json);
            foreach (var member in json.RootElement.EnumerateObject())
            {
                var trustDomain = member.Name.StartsWith("spiffe://", StringComparison.Ordinal) ? member.Name["spiffe://".Length..] : member.Name;
                var raw = System.Text.Encoding.UTF8.GetBytes(member.Value.GetRawText());
                if (JwtBundle.TryCreate(trustDomain, raw, null, out var bundle, out var error))
                {
                    bundles[trustDomain] = bundle;
                }
                else
                {
                    _logger.KeySetUnreadable(error);
                }

                // The x509-svid keys' certificates, as the server accepted them from the trust domain's bundle endpoint.
                if (SpiffeBundleReader.TryRead(raw, trustDomain, out var spiffe, out var spiffeError))
                {
                    if (spiffe.X509Authorities.Count > 0)
                    {
                        x509[trustDomain] = new X509Bundle(trustDomain, [.. spiffe.X509Authorities.Select(a => a.Certificate)]);
                    }
                }
                else
                {
                    _logger.KeySetUnreadable($"the federated bundle of '{trustDomain}': {spiffeError}");
                }
            }
        }
        catch (System.Text.Json.JsonException e)
        {
            _logger.KeySetUnreadable("the federated bundles are not JSON: " + e.Message);
            return;
        }

        if (!SameBundles(Bundles.Federated, bundles))
        {
            _logger.BundleChanged("federated: " + string.Join(", ", bundles.Keys), string.Join(", ", bundles.Values.SelectMany(b => b.Keys.KeyIds)));
        }

        _federatedETag = document.ETag;
        Bundles.PublishFederated(bundles);
        if (!SameX509Bundles(X509Bundles.Federated, x509))
        {
            _logger.BundleChanged("federated X.509: " + string.Join(", ", x509.Keys), string.Join(", ", x509.Values.Select(b => $"{b.Certificates.Count} CA certificate(s)")));
            X509Bundles.PublishFederated(x509);
        }
    }

    private static bool SameX509Bundles(IReadOnlyDictionary<string, X509Bundle> a, IReadOnlyDictionary<string, X509Bundle> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var other) && other.SameAs(p.Value));

    private static bool SameBundles(IReadOnlyDictionary<string, JwtBundle> a, IReadOnlyDictionary<string, JwtBundle> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var other) && other.SpiffeJson.AsSpan().SequenceEqual(p.Value.SpiffeJson));

    private void SetCredential(BotCredential credential) => Volatile.Write(ref _credential, credential);

    private void Refuse(ServerOutcome outcome, string message)
    {
        if (Interlocked.Exchange(ref _refusal, message) is null)
        {
            _logger.ServerRefusedAgent(outcome, message);
        }

        Cache.Clear();
    }

    private void Accept()
    {
        if (Interlocked.Exchange(ref _refusal, null) is not null)
        {
            _logger.ServerAcceptsAgentAgain();
        }
    }

    private TimeSpan RetryDelay(int failures)
    {
        var delay = TimeSpan.FromMilliseconds(250 * Math.Pow(2, Math.Min(failures, 16)));
        return delay < _options.MaxRetryDelay ? delay : _options.MaxRetryDelay;
    }

    /// <summary>The SVIDs of an answer that can be handed to a workload: a SPIFFE ID and a token (what a server leaves out reads as null).</summary>
    private static List<IssuedSvid> Usable(JwtSvidResponse response) =>
        [.. (response.Svids ?? []).Where(s => !string.IsNullOrEmpty(s.SpiffeId) && !string.IsNullOrEmpty(s.JwtSvid))];

    private static string TokenIds(IReadOnlyList<IssuedSvid> svids) => string.Join(", ", svids.Select(s => s.Jti));
}
