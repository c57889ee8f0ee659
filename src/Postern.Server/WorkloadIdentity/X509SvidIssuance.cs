using Postern.WorkloadIdentity.Api;

namespace Postern.Server.WorkloadIdentity;

/// <summary>The outcome of an X.509-SVID issuance: the SVID, or why none (every reason found; <paramref name="Unavailable"/> when the authority cannot sign now).</summary>
internal sealed record X509SvidIssuance(X509SvidResponse? Svid, IReadOnlyList<string> Reasons, bool Unavailable);
