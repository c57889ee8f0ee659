using Postern.Verification;
using Postern.WorkloadIdentity;

namespace Postern.Fuzz.Harnesses;

/// <summary>
/// SPIFFE IDs through both readers: the server's <see cref="SpiffeId.Check"/> (workload identity resources, SVID
/// requests) and the verification library's JWT-SVID subject rule (<see cref="SpiffeSubject.Problem"/>).
/// Contract: valid, with the trust domain and path that make up the ID, or a reason; and the two readers agree —
/// a subject the library accepts for <c>example.org</c> is exactly an ID the server reads as a workload of
/// <c>example.org</c>.
/// </summary>
internal static class SpiffeIdHarness
{
    private const string TrustDomain = "example.org";

    public static void Run(byte[] input)
    {
        var id = FuzzInput.Text(input);
        var problem = SpiffeId.Check(id, out var trustDomain, out var path);
        if (problem is null)
        {
            ContractBroken.Unless(id == SpiffeId.Scheme + trustDomain + path, "the trust domain and path do not make up the ID");
            ContractBroken.Unless(SpiffeId.CheckTrustDomain(trustDomain) is null && SpiffeId.CheckPath(path) is null, "a valid ID with an invalid part");
        }
        else
        {
            ContractBroken.Unless(problem.Length > 0 && trustDomain.Length == 0 && path.Length == 0, "refused without a reason, or with parts");
        }

        var serverAccepts = problem is null && trustDomain == TrustDomain && path.Length > 0;
        var libraryAccepts = SpiffeSubject.Problem(id, TrustDomain) is null;
        ContractBroken.Unless(serverAccepts == libraryAccepts,
            $"the server {(serverAccepts ? "accepts" : "refuses")} the workload ID '{id}' but the verification library {(libraryAccepts ? "accepts" : "refuses")} it");
    }
}
