using System.Buffers.Text;
using System.Text.Json;

namespace Postern.Agent.Tests.Infrastructure;

/// <summary>The header and claims of a compact JWS, read without verifying it (for tokens a verifier has already judged).</summary>
internal static class JwtParts
{
    public static JsonElement Header(string jwt) => Segment(jwt, 0);

    public static JsonElement Claims(string jwt) => Segment(jwt, 1);

    public static string Kid(string jwt) => Header(jwt).GetProperty("kid").GetString()!;

    private static JsonElement Segment(string jwt, int index) =>
        JsonDocument.Parse(Base64Url.DecodeFromChars(jwt.Split('.')[index])).RootElement.Clone();
}
