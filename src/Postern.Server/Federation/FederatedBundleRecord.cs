namespace Postern.Server.Federation;

/// <summary>
/// A foreign trust domain's bundle as last accepted, stored at <c>/federated_bundles/&lt;trust domain&gt;</c> for every
/// instance: the endpoint it came from, the document (SPIFFE bundle format, as Postern re-wrote it from what it read),
/// and when the next fetch is due, so that a new leader keeps the schedule.
/// </summary>
internal sealed record FederatedBundleRecord(string TrustDomain, string Endpoint, string Bundle, DateTimeOffset FetchedAt, DateTimeOffset NextRefresh)
{
    public const string Prefix = "/federated_bundles/";
}
