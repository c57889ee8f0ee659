using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Postern.Agent.Attestation;
using Postern.Agent.Server;
using Postern.TrustBundles;
using Postern.Verification;

namespace Postern.Agent.WorkloadApi;

/// <summary>
/// The SPIFFE Workload API, JWT profile: SVIDs for the attested caller, the trust domain's bundle, and
/// local validation of JWT-SVIDs (by <see cref="PosternTokenValidator"/>, against the bundle). The X.509
/// profile is not offered.
/// </summary>
internal sealed class WorkloadApiService(
    ServerLink link,
    AgentTelemetry telemetry,
    TimeProvider time,
    ILogger<WorkloadApiService> logger,
    ILogger<PosternTokenValidator> validatorLogger)
    : SpiffeWorkloadAPI.SpiffeWorkloadAPIBase
{
    private const string NoX509 = "Postern issues JWT-SVIDs only; the X.509 profile is not offered";

    public override Task FetchX509SVID(X509SVIDRequest request, IServerStreamWriter<X509SVIDResponse> responseStream, ServerCallContext context) =>
        throw new RpcException(new Status(StatusCode.Unimplemented, NoX509));

    public override Task FetchX509Bundles(X509BundlesRequest request, IServerStreamWriter<X509BundlesResponse> responseStream, ServerCallContext context) =>
        throw new RpcException(new Status(StatusCode.Unimplemented, NoX509));

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

    public override async Task FetchJWTBundles(JWTBundlesRequest request, IServerStreamWriter<JWTBundlesResponse> responseStream, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        var sent = -1L;
        byte[]? last = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var (own, federated, version) = await link.Bundles.NextAsync(sent, cancellationToken).ConfigureAwait(false);
                sent = version;
                var response = new JWTBundlesResponse();
                response.Bundles.Add(own.TrustDomainId, ByteString.CopyFrom(own.SpiffeJson));
                foreach (var bundle in federated.Values.Where(b => b.TrustDomain != own.TrustDomain))
                {
                    response.Bundles.Add(bundle.TrustDomainId, ByteString.CopyFrom(bundle.SpiffeJson));
                }

                // Sent again only when a bundle changed, not for every publication.
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
