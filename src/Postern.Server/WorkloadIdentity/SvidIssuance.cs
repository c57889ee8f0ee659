using Postern.WorkloadIdentity.Api;

namespace Postern.Server.WorkloadIdentity;

/// <summary>The outcome of an issuance: the SVIDs, or why none (every reason found).</summary>
internal sealed record SvidIssuance(IReadOnlyList<IssuedSvid> Svids, IReadOnlyList<string> Reasons);
