using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Postern.Verification.Tests.Infrastructure;

/// <summary>
/// Hand-builds compact JWS tokens: by default a valid app access assertion for alice, as
/// SPEC.md section 1 describes it; every header member and claim can be replaced or removed.
/// </summary>
internal sealed class TokenBuilder
{
    public const string Issuer = "example.com";
    public const string Audience = "http://127.0.0.1:34679";

    private readonly JsonObject _header = new() { ["typ"] = "JWT" };
    private readonly HashSet<string> _removedHeaders = [];
    private readonly JsonObject _payload;

    public TokenBuilder(DateTimeOffset now)
    {
        _payload = new JsonObject
        {
            ["aud"] = new JsonArray(Audience),
            ["iss"] = Issuer,
            ["sub"] = "alice",
            ["username"] = "alice",
            ["roles"] = new JsonArray("access", "editor"),
            ["traits"] = new JsonObject { ["logins"] = new JsonArray("root", "ubuntu") },
            ["nbf"] = now.AddSeconds(-10).ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(5).ToUnixTimeSeconds(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["jti"] = "jti-" + Guid.NewGuid().ToString("N"),
        };
    }

    /// <summary>
    /// A valid JWT-SVID of <see cref="SvidHarness.TrustDomain"/>, as SPEC.md section 2 describes
    /// it but without <c>iss</c> (the SPIFFE specification does not require it): <c>sub</c>
    /// <c>spiffe://example.com/uid/1000</c>, <c>aud</c> <c>["db", "api"]</c>, <c>exp</c>, <c>iat</c>, <c>jti</c>.
    /// </summary>
    public static TokenBuilder JwtSvid(DateTimeOffset now) => new TokenBuilder(now)
        .Claim("sub", $"spiffe://{SvidHarness.TrustDomain}/uid/1000")
        .Claim("aud", new JsonArray("db", "api"))
        .WithoutClaim("iss").WithoutClaim("username").WithoutClaim("roles").WithoutClaim("traits").WithoutClaim("nbf");

    public string TokenId => (string)_payload["jti"]!;

    public TokenBuilder Claim(string name, JsonNode? value)
    {
        _payload[name] = value;
        return this;
    }

    public TokenBuilder WithoutClaim(string name)
    {
        _payload.Remove(name);
        return this;
    }

    public TokenBuilder Header(string name, JsonNode? value)
    {
        _header[name] = value;
        return this;
    }

    public TokenBuilder WithoutHeader(string name)
    {
        _header.Remove(name);
        _removedHeaders.Add(name);
        return this;
    }

    /// <summary>Signs with <paramref name="key"/>; <c>alg</c> and <c>kid</c> are the key's unless set or removed.</summary>
    public string SignedBy(TestKey key)
    {
        Default("alg", key.Algorithm);
        Default("kid", key.KeyId);
        return SignedWith(key.Sign);
    }

    /// <summary>Signs the header as set with HMAC-SHA256 under <paramref name="secret"/>.</summary>
    public string SignedWithHmac(byte[] secret) => SignedWith(input => HMACSHA256.HashData(secret, input));

    /// <summary>Header, payload and an empty signature, as for <c>alg: none</c>.</summary>
    public string Unsigned() => SigningInput() + ".";

    public string SignedWith(Func<byte[], byte[]> sign)
    {
        var input = SigningInput();
        return input + "." + Base64Url.EncodeToString(sign(Encoding.ASCII.GetBytes(input)));
    }

    public static string Encode(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    /// <summary>Changes one byte of the decoded signature (changing a character could only touch padding bits).</summary>
    public static string WithSignatureByteFlipped(string token)
    {
        var dot = token.LastIndexOf('.');
        var signature = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
        signature[signature.Length / 2] ^= 0x01;
        return token[..(dot + 1)] + Base64Url.EncodeToString(signature);
    }

    private string SigningInput() => Encode(_header.ToJsonString()) + "." + Encode(_payload.ToJsonString());

    private void Default(string name, string value)
    {
        if (!_header.ContainsKey(name) && !_removedHeaders.Contains(name))
        {
            _header[name] = value;
        }
    }
}
