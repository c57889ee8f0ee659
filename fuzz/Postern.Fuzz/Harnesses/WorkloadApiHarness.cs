using Postern.WorkloadIdentity;
using Postern.WorkloadIdentity.Api;

namespace Postern.Fuzz.Harnesses;

/// <summary>
/// The workload identity API's request bodies: <see cref="SvidRequest.TryParse"/> (a JWT-SVID request, from a user,
/// from a script's bot and from an agent's bot, which alone may send attested attributes) and
/// <see cref="JoinRequest.TryParse"/>. Contract: a request within the documented limits, or a refusal with a code
/// and a message.
/// </summary>
internal static class WorkloadApiHarness
{
    private static readonly TimeSpan MaxTtl = TimeSpan.FromHours(1);

    private static readonly WorkloadCaller[] Callers =
    [
        new() { Kind = WorkloadCallerKind.User, Name = "alice" },
        new() { Kind = WorkloadCallerKind.Bot, Name = "ci" },
        new() { Kind = WorkloadCallerKind.Bot, Name = "agent-1", Agent = true },
    ];

    public static void Run(byte[] input)
    {
        foreach (var caller in Callers)
        {
            if (SvidRequest.TryParse(input, caller, MaxTtl, out var request, out var refusal))
            {
                ContractBroken.Unless(refusal is null, "accepted with a refusal");
                ContractBroken.Unless(request.Audiences.Count is > 0 and <= SvidRequest.MaxAudiences, $"{request.Audiences.Count} audiences accepted");
                ContractBroken.Unless(request.Audiences.All(a => !string.IsNullOrWhiteSpace(a) && a.Length <= SvidRequest.MaxAudienceLength && !a.Any(char.IsControl)),
                    "an empty, overlong or control-character audience accepted");
                ContractBroken.Unless(request.Ttl is null || (request.Ttl >= TimeSpan.FromSeconds(1) && request.Ttl <= MaxTtl), $"lifetime {request.Ttl} accepted");
                ContractBroken.Unless(request.SpiffeId is null || SpiffeId.IsValid(request.SpiffeId), $"SPIFFE ID '{request.SpiffeId}' accepted");
                ContractBroken.Unless(request.Unix is null || caller.Agent, "attested attributes accepted from a caller that is not an agent");
            }
            else
            {
                ContractBroken.Unless(request is null && refusal is not null && !string.IsNullOrEmpty(refusal.Message), "refused without a reason");
            }
        }

        if (JoinRequest.TryParse(input, out var join, out var error))
        {
            ContractBroken.Unless(!string.IsNullOrEmpty(join.Token), "a join request without a token accepted");
        }
        else
        {
            ContractBroken.Unless(!string.IsNullOrEmpty(error), "refused without a reason");
        }
    }
}
