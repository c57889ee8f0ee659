namespace Postern.Authority;

/// <summary>The JOSE algorithms a Postern authority signs with.</summary>
public static class SigningAlgorithm
{
    /// <summary>RSASSA-PKCS1-v1_5 with SHA-256 on a 2048-bit key: the default, accepted by every OIDC relying party.</summary>
    public const string RS256 = "RS256";

    /// <summary>ECDSA on P-256 with SHA-256.</summary>
    public const string ES256 = "ES256";

    /// <summary>Whether Postern can make keys for <paramref name="alg"/>.</summary>
    public static bool IsSupported(string alg) => alg is RS256 or ES256;
}
