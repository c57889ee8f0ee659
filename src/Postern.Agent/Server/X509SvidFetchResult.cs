using Postern.WorkloadIdentity.Api;

namespace Postern.Agent.Server;

/// <summary>An X.509-SVID for a caller with its private key (PKCS#8, made on this host), or why there is none.</summary>
internal sealed record X509SvidFetchResult(X509SvidResponse? Svid, byte[] PrivateKey, DateTimeOffset Issued, SvidFetchFailure Failure, string Message)
{
    public static X509SvidFetchResult Failed(SvidFetchFailure failure, string message) => new(null, [], default, failure, message);

    /// <summary>When it should be replaced: at half its life.</summary>
    public DateTimeOffset RenewAt => Issued + ((Svid!.Expires - Issued) / 2);
}
