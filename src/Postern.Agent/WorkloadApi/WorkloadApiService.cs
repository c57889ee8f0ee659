using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Postern.Agent.Attestation;
using Postern.Agent.Bundles;
using Postern.Agent.Server;
using Postern.TrustBundles;
using Postern.Verification;

namespace Postern.Agent.WorkloadApi;

/// <summary>
/// The SPIFFE Workload API: X.509-SVIDs (a key made on this host, its CSR signed by the server) and JWT-SVIDs for the
/// attested caller, the trust domain's X.509 and JWT bundles, and local validation of JWT-SVIDs (by
/// <see cref="PosternTokenValidator"/>, against the bundle).
/// </summary>
internal sealed class WorkloadApiService(
    ServerLink link,
    AgentTelemetry telemetry,
    TimeProvider time,
    ILogger<WorkloadApiService> logger,
    ILogger<PosternTokenValidator> validatorLogger)
    : SpiffeWorkloadAPI.SpiffeWorkloadAPIBase
{
    /// <summary>How long a stream waits before asking again when the server could not be reached for a renewal.</summary>
    private static readonly TimeSpan RenewalRetry = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The caller's X.509-SVID, at once, then again at half its life and whenever the X.509 bundle changes (a rotation of
    /// the X.509 authority), each time with a new key made on this host; when only the federated bundles change, the same
    /// SVID is sent again with them.
    /// </summary>
    public override async Task FetchX509SVID(X509SVIDRequest request, IServerStreamWriter<X509SVIDResponse> responseStream, ServerCallContext context)
    {
        var workload = Attested(context);
        var cancellationToken = context.CancellationToken;
        X509SvidFetchResult? held = null;
        Bundles.X509Bundle? heldFor = null;
        IReadOnlyDictionary<string, Bundles.X509Bundle>? sentFederated = null;
        var renewalDue = true;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                // The version is read first: a change from here on wakes the wait below.
                var version = link.X509Bundles.Version;
                var bundle = link.X509Bundles.Current;
                var fresh = held is null || renewalDue || !ReferenceEquals(bundle, heldFor);
                if (fresh)
                {
                    var started = System.Diagnostics.Stopwatch.GetTimestamp();
                    var result = await link.FetchX509SvidAsync(workload, cancellationToken).ConfigureAwait(false);
                    telemetry.Fetched(nameof(FetchX509SVID), false, started);
                    if (result.Svid is null)
                    {
                        if (held is null || result.Failure != SvidFetchFailure.Unavailable)
                        {
                            throw new RpcException(new Status(result.Failure switch
                            {
                                SvidFetchFailure.Denied => StatusCode.PermissionDenied,
                                SvidFetchFailure.BadRequest => StatusCode.InvalidArgument,
                                _ => StatusCode.Unavailable,
                            }, result.Message));
                        }

                        // The SVID sent last is still good for a while: try again soon.
                        await Task.Delay(RenewalRetry, time, cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    (held, heldFor) = (result, bundle);
                }

                var current = held!;
                var federated = link.X509Bundles.Federated;
                if (fresh || !ReferenceEquals(federated, sentFederated))
                {
                    await responseStream.WriteAsync(X509Response(current.Svid!, current.PrivateKey, federated), cancellationToken).ConfigureAwait(false);
                    sentFederated = federated;
                }

                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var due = current.RenewAt - time.GetUtcNow();
                var renewal = Task.Delay(due > TimeSpan.Zero ? due : TimeSpan.Zero, time, wait.Token);
                // What woke the stream decides, not the clock: a timer may fire a moment before RenewAt reads as past.
                renewalDue = await Task.WhenAny(renewal, link.X509Bundles.NextAsync(version, wait.Token)).ConfigureAwait(false) == renewal;
                await wait.CancelAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away or the agent is stopping.
        }
    }

    /// <summary>The trust domain's X.509 bundle and the federated trust domains' ones, at once and whenever one changes.</summary>
    public override Task FetchX509Bundles(X509BundlesRequest request, IServerStreamWriter<X509BundlesResponse> responseStream, ServerCallContext context) =>
        StreamBundlesAsync(link.X509Bundles, response => response.Bundles, responseStream, context.CancellationToken);

    /// <summary>The response for one SVID: its chain, key and trust domain bundle, and the federated trust domains' bundles (keyed <c>spiffe://&lt;trust domain&gt;</c>).</summary>
    private static X509SVIDResponse X509Response(Postern.WorkloadIdentity.Api.X509SvidResponse svid, byte[] privateKey, IReadOnlyDictionary<string, Bundles.X509Bundle> federated)
    {
        var response = new X509SVIDResponse();
        response.Svids.Add(new X509SVID
        {
            SpiffeId = svid.SpiffeId,
            X509Svid = ByteString.CopyFrom([.. svid.Certificates.SelectMany(Convert.FromBase64String)]),
            X509SvidKey = ByteString.CopyFrom(privateKey),
            Bundle = ByteString.CopyFrom([.. svid.Bundle.SelectMany(Convert.FromBase64String)]),
            Hint = svid.Hint ?? svid.WorkloadIdentity ?? "",
        });
        var own = svid.SpiffeId.Split('/')[2];
        foreach (var bundle in federated.Values.Where(b => b.TrustDomain != own))
        {
            response.FederatedBundles.Add(bundle.TrustDomainId, ByteString.CopyFrom(bundle.Concatenated));
        }

        return response;
    }

    public override async Task<JWTSVIDResponse> FetchJWTSVID(JWTSVIDRequest request, ServerCallContext context)
    {
        if (request.Audience.Count == 0 || request.Audience.Any(string.IsNullOrEmpty))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "audience must be specified: at least one, none empty"));
        }

        var workload = Attested(context);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = await link.FetchSvidsAsync(workload, request.Audience, context.CancellationToken).ConfigureAwait(false);
        telemetry.Fetched(nameof(FetchJWTSVID), result.FromCache, started);
        switch (result.Failure)
        {
            case SvidFetchFailure.Denied:
                throw new RpcException(new Status(StatusCode.PermissionDenied, result.Message));
            case SvidFetchFailure.BadRequest:
                throw new RpcException(new Status(StatusCode.InvalidArgument, result.Message));
            case SvidFetchFailure.Unavailable:
                throw new RpcException(new Status(StatusCode.Unavailable, result.Message));
        }

        var svids = result.Svids.AsEnumerable();
        if (request.SpiffeId.Length > 0)
        {
            svids = svids.Where(s => string.Equals(s.SpiffeId, request.SpiffeId, StringComparison.Ordinal));
            if (!svids.Any())
            {
                throw new RpcException(new Status(StatusCode.PermissionDenied, $"no identity issued: '{request.SpiffeId}' is not among this workload's SPIFFE IDs"));
            }
        }

        var response = new JWTSVIDResponse();
        // The hint tells a workload's SVIDs apart: the workload identity's own, or else its name.
        response.Svids.AddRange(svids.Select(s => new JWTSVID { SpiffeId = s.SpiffeId, Svid = s.JwtSvid, Hint = s.Hint ?? s.WorkloadIdentity ?? "" }));
        return response;
    }

    public override Task FetchJWTBundles(JWTBundlesRequest request, IServerStreamWriter<JWTBundlesResponse> responseStream, ServerCallContext context) =>
        StreamBundlesAsync(link.Bundles, response => response.Bundles, responseStream, context.CancellationToken);

    /// <summary>
    /// Streams this trust domain's bundle and the federated ones, keyed <c>spiffe://&lt;trust domain&gt;</c>, at once and
    /// again whenever one of them changes (not for a publication that changed nothing).
    /// </summary>
    private static async Task StreamBundlesAsync<TBundle, TResponse>(
        BundleWatch<TBundle> watch, Func<TResponse, Google.Protobuf.Collections.MapField<string, ByteString>> bundlesOf, IServerStreamWriter<TResponse> responseStream, CancellationToken cancellationToken)
        where TBundle : class, ITrustDomainBundle
        where TResponse : IMessage, new()
    {
        var sent = -1L;
        byte[]? last = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var (own, federated, version) = await watch.NextAsync(sent, cancellationToken).ConfigureAwait(false);
                sent = version;
                var response = new TResponse();
                var bundles = bundlesOf(response);
                bundles.Add(own.TrustDomainId, ByteString.CopyFrom(own.Served));
                foreach (var bundle in federated.Values.Where(b => b.TrustDomain != own.TrustDomain))
                {
                    bundles.Add(bundle.TrustDomainId, ByteString.CopyFrom(bundle.Served));
                }

                var bytes = response.ToByteArray();
                if (last is not null && bytes.AsSpan().SequenceEqual(last))
                {
                    continue;
                }

                await responseStream.WriteAsync(response, cancellationToken).ConfigureAwait(false);
                last = bytes;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away or the agent is stopping.
        }
    }

    public override async Task<ValidateJWTSVIDResponse> ValidateJWTSVID(ValidateJWTSVIDRequest request, ServerCallContext context)
    {
        if (string.IsNullOrEmpty(request.Audience))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "audience must be specified"));
        }

        if (string.IsNullOrEmpty(request.Svid))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "svid must be specified"));
        }

        if (link.Bundles.Current is null)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "the agent has no bundle yet: the server has not been reached"));
        }

        // The bundle of the trust domain the token names: this one's or a federated one's. The validator then requires
        // the token's sub to be in that trust domain and its signature to be by one of that bundle's keys.
        var claimed = UnverifiedTrustDomain.Of(request.Svid);
        if (claimed is null)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "the token's sub is not a SPIFFE ID"));
        }

        if (link.Bundles.Find(claimed) is not { } bundle)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"no bundle for trust domain '{claimed}': it is neither this agent's trust domain nor federated with it"));
        }

        // The SPIFFE JWT-SVID rules and the library's one exp/nbf rule (30 s of clock skew either way).
        var options = new PosternTokenValidatorOptions { TrustDomain = bundle.TrustDomain, Audiences = [request.Audience] };
        var validator = new PosternTokenValidator(bundle.Keys, options, time, validatorLogger);
        var result = await validator.ValidateAsync(request.Svid, context.CancellationToken).ConfigureAwait(false);
        if (!result.IsValid)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"{result.Rejection}: {result.Message}"));
        }

        return new ValidateJWTSVIDResponse
        {
            SpiffeId = result.Identity.Subject,
            Claims = Struct.Parser.ParseJson(result.Identity.Claims.GetRawText()),
        };
    }

    private UnixWorkload Attested(ServerCallContext context)
    {
        // Attested on every call, not once per connection: the process holding the connection may have changed.
        var attestation = context.GetHttpContext().Features.Get<WorkloadAttestationFeature>()?.Attest();
        if (attestation?.Workload is { } workload)
        {
            return workload;
        }

        var reason = attestation?.Failure ?? "the connection was not attested";
        logger.AttestationFailed(reason);
        throw new RpcException(new Status(StatusCode.PermissionDenied, "could not attest the caller: " + reason));
    }
}
