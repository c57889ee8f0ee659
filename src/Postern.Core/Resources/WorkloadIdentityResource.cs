using Postern.WorkloadIdentity;

namespace Postern.Resources;

/// <summary>A <c>workload_identity</c> as a resource; its labels are the metadata's.</summary>
public sealed record WorkloadIdentityResource : Resource
{
    /// <inheritdoc/>
    public override string Kind => ResourceKinds.WorkloadIdentity;

    /// <summary>The policy.</summary>
    public required WorkloadIdentityPolicy Policy { get; init; }
}
