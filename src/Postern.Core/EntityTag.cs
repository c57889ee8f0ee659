using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Postern;

/// <summary>Strong HTTP entity tags for documents served from cached bytes.</summary>
public static class EntityTag
{
    /// <summary>A quoted tag derived from a SHA-256 of <paramref name="content"/>.</summary>
    public static string Of(ReadOnlySpan<byte> content) => $"\"{Base64UrlEncoder.Encode(SHA256.HashData(content)[..16])}\"";
}
