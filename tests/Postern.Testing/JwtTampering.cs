namespace Postern.Testing;

/// <summary>Tokens changed in transit, for tests that check a verifier refuses them.</summary>
public static class JwtTampering
{
    /// <summary><paramref name="token"/> with one bit of its signature flipped: well-formed, but not signed by anyone.</summary>
    public static string ChangeOneSignatureByte(string token)
    {
        var parts = token.Split('.');
        var signature = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(parts[2]);
        signature[signature.Length / 2] ^= 0x01;
        return $"{parts[0]}.{parts[1]}.{Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(signature)}";
    }
}
