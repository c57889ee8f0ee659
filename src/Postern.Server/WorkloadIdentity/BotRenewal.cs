using Postern.WorkloadIdentity.Api;

namespace Postern.Server.WorkloadIdentity;

/// <summary>The outcome of a renewal: the successor credential, or a status and why not.</summary>
internal sealed record BotRenewal(BotCredentialGrant? Grant, int Status, string? Error)
{
    public static BotRenewal Refused(int status, string error) => new(null, status, error);
}
