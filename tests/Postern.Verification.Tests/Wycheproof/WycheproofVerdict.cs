namespace Postern.Verification.Tests.Wycheproof;

/// <summary>What Postern.Verification did with a vector, and whether its algorithm is outside the allow-list.</summary>
public sealed record WycheproofVerdict(bool Verified, bool OutsideAllowList, string Detail)
{
    /// <summary>
    /// The verdict the vector requires: refused when the algorithm is outside RS256/ES256 whatever
    /// Wycheproof says; otherwise <c>valid</c> verifies, <c>invalid</c> is refused, and
    /// <c>acceptable</c> is refused (Postern's choice: a signature that is only acceptable, such as
    /// a PKCS#1 DigestInfo without the NULL parameter, is not one Postern produces).
    /// </summary>
    public static bool ShouldVerify(WycheproofVector vector, bool outsideAllowList) =>
        !outsideAllowList && vector.Result == "valid";
}
