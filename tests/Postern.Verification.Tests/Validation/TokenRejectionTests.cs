using System.Text;
using System.Text.Json.Nodes;
using Postern.Verification.Tests.Infrastructure;

namespace Postern.Verification.Tests.Validation;

/// <summary>
/// Every way a token is refused, each row named and asserting the exact rejection code.
/// Rows get the fake clock's time (after the row's <c>Arrange</c>, when it has one); the key
/// set publishes <see cref="TestKeys.Rsa"/> and <see cref="TestKeys.Ec"/>. A second table lists
/// the configurations refused before any token is read.
/// </summary>
public sealed class TokenRejectionTests
{
    private static readonly JsonWebKeySetCacheOptions CacheDefaults = new();

    private sealed record Case(
        TokenRejection Expected,
        Func<DateTimeOffset, string> Token,
        string? MessageMentions = null,
        Func<ValidatorHarness, Task>? Arrange = null);

    private sealed record RefusedConfiguration(PosternTokenValidatorOptions Options, params string[] MessageMentions);

    private static TokenBuilder Valid(DateTimeOffset now) => new(now);

    /// <summary>
    /// A token from <paramref name="make"/> (given a padding of 0 to 2 characters, so that the segment's length leaves
    /// bits unused) with the lowest, unused bit of <paramref name="segment"/>'s last character set.
    /// </summary>
    private static string Respelled(Func<string, string> make, int segment)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var parts = Enumerable.Range(0, 3).Select(n => make(new string('x', n)).Split('.')).First(p => p[segment].Length % 4 is 2 or 3);
        var text = parts[segment];
        parts[segment] = text[..^1] + Alphabet[Alphabet.IndexOf(text[^1], StringComparison.Ordinal) | 1];
        Assert.Equal(Base64UrlDecodeLenient(text), Base64UrlDecodeLenient(parts[segment]));
        return string.Join('.', parts);
    }

    /// <summary>The token with every '~' in <paramref name="segment"/>'s decoded JSON replaced by the byte 0xFF.</summary>
    private static string WithStrayByte(string token, int segment)
    {
        var parts = token.Split('.');
        var bytes = System.Buffers.Text.Base64Url.DecodeFromChars(parts[segment]);
        parts[segment] = System.Buffers.Text.Base64Url.EncodeToString(bytes.Select(b => b == (byte)'~' ? (byte)0xFF : b).ToArray());
        return string.Join('.', parts);
    }

    /// <summary>The token's header and payload signed again by <paramref name="key"/>.</summary>
    private static string Resigned(string token, TestKey key)
    {
        var input = token[..token.LastIndexOf('.')];
        return input + "." + System.Buffers.Text.Base64Url.EncodeToString(key.Sign(Encoding.ASCII.GetBytes(input)));
    }

    private static byte[] Base64UrlDecodeLenient(string text) =>
        Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/') + new string('=', (4 - text.Length % 4) % 4));

    private static readonly Dictionary<string, Case> Cases = new()
    {
        // The algorithm is refused before any key is touched.
        ["alg none, empty signature"] = new(TokenRejection.AlgorithmNotAllowed,
            now => Valid(now).Header("alg", "none").Header("kid", TestKeys.Rsa.KeyId).Unsigned(), "'none'"),
        ["alg none, no kid"] = new(TokenRejection.AlgorithmNotAllowed,
            now => Valid(now).Header("alg", "none").Unsigned()),
        ["HS256 with the RSA public key (DER) as HMAC secret"] = new(TokenRejection.AlgorithmNotAllowed,
            now => Valid(now).Header("alg", "HS256").Header("kid", TestKeys.Rsa.KeyId).SignedWithHmac(TestKeys.Rsa.PublicKeyDer), "'HS256'"),
        ["HS256 with the RSA public key (PEM) as HMAC secret"] = new(TokenRejection.AlgorithmNotAllowed,
            now => Valid(now).Header("alg", "HS256").Header("kid", TestKeys.Rsa.KeyId).SignedWithHmac(Encoding.ASCII.GetBytes(TestKeys.Rsa.PublicKeyPem))),
        ["alg RS512"] = new(TokenRejection.AlgorithmNotAllowed, now => Valid(now).Header("alg", "RS512").SignedBy(TestKeys.Rsa)),
        ["alg PS256"] = new(TokenRejection.AlgorithmNotAllowed, now => Valid(now).Header("alg", "PS256").SignedBy(TestKeys.Rsa)),
        ["alg in lower case"] = new(TokenRejection.AlgorithmNotAllowed, now => Valid(now).Header("alg", "rs256").SignedBy(TestKeys.Rsa)),

        // Keys.
        ["missing kid"] = new(TokenRejection.MissingKeyId, now => Valid(now).WithoutHeader("kid").SignedBy(TestKeys.Rsa)),
        ["empty kid"] = new(TokenRejection.MissingKeyId, now => Valid(now).Header("kid", "").SignedBy(TestKeys.Rsa)),
        ["unknown kid"] = new(TokenRejection.UnknownKeyId,
            now => Valid(now).Header("kid", "no-such-key").SignedBy(TestKeys.Rsa), "'no-such-key'"),
        ["signed by an unpublished key"] = new(TokenRejection.UnknownKeyId, now => Valid(now).SignedBy(TestKeys.Stranger)),

        // The key set: trusted only while it could be refreshed, and read only up to a size.
        ["stale key set past the horizon"] = new(TokenRejection.KeySetStale,
            now => Valid(now).SignedBy(TestKeys.Rsa), "could not be refreshed", async harness =>
            {
                Assert.True((await harness.ValidateAsync(harness.Token().SignedBy(TestKeys.Rsa))).IsValid);
                harness.Server.Status = System.Net.HttpStatusCode.ServiceUnavailable;
                harness.Clock.Advance(CacheDefaults.DefaultCacheDuration + CacheDefaults.MaximumStaleness + TimeSpan.FromSeconds(1));
            }),
        ["oversized key set, chunked"] = new(TokenRejection.KeySetUnavailable,
            now => Valid(now).SignedBy(TestKeys.Rsa), "262144 bytes", harness =>
            {
                harness.Server.PadTo(JsonWebKeySetCacheOptions.DefaultMaximumResponseSize + 1);
                return Task.CompletedTask;
            }),
        ["oversized key set, by its Content-Length"] = new(TokenRejection.KeySetUnavailable,
            now => Valid(now).SignedBy(TestKeys.Rsa), "Content-Length", harness =>
            {
                harness.Server.PadTo(JsonWebKeySetCacheOptions.DefaultMaximumResponseSize + 1);
                harness.Server.DeclareLength = true;
                return Task.CompletedTask;
            }),
        ["oversized key set once decompressed (gzip)"] = new(TokenRejection.KeySetUnavailable,
            now => Valid(now).SignedBy(TestKeys.Rsa), "262144 bytes", harness =>
            {
                harness.Server.PadTo(4 * JsonWebKeySetCacheOptions.DefaultMaximumResponseSize);
                harness.Server.Gzip = true;
                harness.Server.DeclareLength = true;
                return Task.CompletedTask;
            }),

        // Found by fuzzing (fuzz/regressions/jwks): the reader threw InvalidOperationException on reading the
        // kid, which the cache did not catch.
        ["key set holding a byte that is not UTF-8"] = new(TokenRejection.KeySetUnavailable,
            now => Valid(now).SignedBy(TestKeys.Rsa), "not UTF-8", harness =>
            {
                harness.Server.Publish(TestKeys.Ec.ToJwk().Also(jwk => jwk["kid"] = "~"), TestKeys.Rsa.ToJwk());
                harness.Server.RawBody = [.. Encoding.UTF8.GetBytes(harness.Server.Body).Select(b => b == (byte)'~' ? (byte)0xFF : b)];
                return Task.CompletedTask;
            }),

        // Signatures.
        ["signature with one byte changed"] = new(TokenRejection.InvalidSignature,
            now => TokenBuilder.WithSignatureByteFlipped(Valid(now).SignedBy(TestKeys.Rsa)), "'rsa-key'"),
        ["ES256 signature with one byte changed"] = new(TokenRejection.InvalidSignature,
            now => TokenBuilder.WithSignatureByteFlipped(Valid(now).SignedBy(TestKeys.Ec))),
        ["payload swapped after signing"] = new(TokenRejection.InvalidSignature, now =>
        {
            var parts = Valid(now).SignedBy(TestKeys.Rsa).Split('.');
            return string.Join('.', parts[0], Valid(now).Claim("roles", new JsonArray("admin")).Unsigned().Split('.')[1], parts[2]);
        }),
        ["empty signature with RS256"] = new(TokenRejection.InvalidSignature, now => Valid(now).Header("alg", "RS256").Header("kid", TestKeys.Rsa.KeyId).Unsigned()),
        ["published kid, signed by another key"] = new(TokenRejection.InvalidSignature,
            now => Valid(now).Header("kid", TestKeys.Rsa.KeyId).SignedBy(TestKeys.Stranger)),
        ["RS256 header naming the EC key"] = new(TokenRejection.InvalidSignature,
            now => Valid(now).Header("kid", TestKeys.Ec.KeyId).SignedBy(TestKeys.Rsa), "ES256"),

        // Claims, in the order they are checked.
        ["wrong iss"] = new(TokenRejection.InvalidIssuer, now => Valid(now).Claim("iss", "evil.example.com").SignedBy(TestKeys.Rsa), "'evil.example.com'"),
        ["missing iss"] = new(TokenRejection.MissingClaim, now => Valid(now).WithoutClaim("iss").SignedBy(TestKeys.Rsa), "'iss'"),
        ["wrong aud"] = new(TokenRejection.InvalidAudience,
            now => Valid(now).Claim("aud", new JsonArray("http://other-app:8080")).SignedBy(TestKeys.Rsa), "'http://other-app:8080'"),
        ["wrong aud as bare string"] = new(TokenRejection.InvalidAudience, now => Valid(now).Claim("aud", "http://other-app:8080").SignedBy(TestKeys.Rsa)),
        ["aud differing by a trailing slash"] = new(TokenRejection.InvalidAudience,
            now => Valid(now).Claim("aud", TokenBuilder.Audience + "/").SignedBy(TestKeys.Rsa)),
        ["missing aud"] = new(TokenRejection.MissingClaim, now => Valid(now).WithoutClaim("aud").SignedBy(TestKeys.Rsa), "'aud'"),
        ["empty aud array"] = new(TokenRejection.MissingClaim, now => Valid(now).Claim("aud", new JsonArray()).SignedBy(TestKeys.Rsa)),
        ["expired"] = new(TokenRejection.Expired, now => Valid(now).Claim("exp", now.AddMinutes(-5).ToUnixTimeSeconds()).SignedBy(TestKeys.Rsa)),
        ["expired 60 s ago, beyond the 30 s skew"] = new(TokenRejection.Expired,
            now => Valid(now).Claim("exp", now.AddSeconds(-60).ToUnixTimeSeconds()).SignedBy(TestKeys.Rsa)),
        ["missing exp"] = new(TokenRejection.MissingClaim, now => Valid(now).WithoutClaim("exp").SignedBy(TestKeys.Rsa), "'exp'"),
        ["null exp"] = new(TokenRejection.MissingClaim, now => Valid(now).Claim("exp", null).SignedBy(TestKeys.Rsa)),
        ["not yet valid"] = new(TokenRejection.NotYetValid, now => Valid(now).Claim("nbf", now.AddMinutes(5).ToUnixTimeSeconds()).SignedBy(TestKeys.Rsa)),
        ["not valid for 60 s more, beyond the 30 s skew"] = new(TokenRejection.NotYetValid,
            now => Valid(now).Claim("nbf", now.AddSeconds(60).ToUnixTimeSeconds()).SignedBy(TestKeys.Rsa)),
        ["missing sub"] = new(TokenRejection.MissingClaim, now => Valid(now).WithoutClaim("sub").SignedBy(TestKeys.Rsa), "'sub'"),

        // Malformed structure.
        ["malformed: empty string"] = new(TokenRejection.Malformed, _ => ""),
        ["malformed: two segments"] = new(TokenRejection.Malformed, now =>
        {
            var token = Valid(now).SignedBy(TestKeys.Rsa);
            return token[..token.LastIndexOf('.')];
        }, "three segments"),
        ["malformed: four segments"] = new(TokenRejection.Malformed, now => Valid(now).SignedBy(TestKeys.Rsa) + ".AAAA"),
        ["malformed: five segments (JWE)"] = new(TokenRejection.Malformed,
            _ => TokenBuilder.Encode("""{"alg":"RSA-OAEP","enc":"A256GCM"}""") + ".AAAA.AAAA.AAAA.AAAA", "JWE"),
        ["malformed: bad base64 in header"] = new(TokenRejection.Malformed, now => "eyJ!" + Valid(now).SignedBy(TestKeys.Rsa)[4..], "base64url"),
        ["malformed: base64 (not base64url) alphabet in header"] = new(TokenRejection.Malformed, now => "eyJ+" + Valid(now).SignedBy(TestKeys.Rsa)[4..]),
        ["malformed: padded header"] = new(TokenRejection.Malformed, now =>
        {
            var token = Valid(now).SignedBy(TestKeys.Rsa);
            return token.Insert(token.IndexOf('.'), "==");
        }),
        ["malformed: bad base64 in payload"] = new(TokenRejection.Malformed, now =>
        {
            var token = Valid(now).SignedBy(TestKeys.Rsa);
            return token.Insert(token.IndexOf('.') + 5, "*");
        }),
        ["malformed: bad base64 in signature"] = new(TokenRejection.Malformed, now => Valid(now).SignedBy(TestKeys.Rsa) + "%"),
        // A byte that is not UTF-8 inside a JSON string (found by fuzzing: the header's threw InvalidOperationException
        // when the kid was read; fuzz/regressions/jws). The payload's is signed, so that the claims are read.
        ["malformed: header, a non-UTF-8 byte"] = new(TokenRejection.Malformed,
            now => WithStrayByte(Valid(now).Header("kid", "~").SignedBy(TestKeys.Rsa), segment: 0), "UTF-8"),
        ["malformed: payload, a non-UTF-8 byte"] = new(TokenRejection.Malformed,
            now => Resigned(WithStrayByte(Valid(now).Claim("jti", "~").SignedBy(TestKeys.Rsa), segment: 1), TestKeys.Rsa), "UTF-8"),
        // The same bytes spelled another way: the last character's unused bits set (found by fuzzing: .NET's
        // decoder threw FormatException out of ValidateAsync; fuzz/regressions/jws).
        ["malformed: header with unused bits set"] = new(TokenRejection.Malformed,
            now => Respelled(pad => Valid(now).Header("pad", pad).SignedBy(TestKeys.Rsa), segment: 0), "base64url"),
        ["malformed: payload with unused bits set"] = new(TokenRejection.Malformed,
            now => Respelled(pad => Valid(now).Claim("pad", pad).SignedBy(TestKeys.Rsa), segment: 1), "base64url"),
        ["malformed: RS256 signature with unused bits set"] = new(TokenRejection.Malformed,
            now => Respelled(_ => Valid(now).SignedBy(TestKeys.Rsa), segment: 2), "base64url"),
        ["malformed: ES256 signature with unused bits set"] = new(TokenRejection.Malformed,
            now => Respelled(_ => Valid(now).SignedBy(TestKeys.Ec), segment: 2), "base64url"),
        ["malformed: header is not JSON"] = new(TokenRejection.Malformed,
            now => TokenBuilder.Encode("""{"alg":"RS256","kid":""") + "." + Valid(now).SignedBy(TestKeys.Rsa).Split('.', 2)[1], "JSON"),
        ["malformed: header is a JSON array"] = new(TokenRejection.Malformed,
            now => TokenBuilder.Encode("""["RS256"]""") + "." + Valid(now).SignedBy(TestKeys.Rsa).Split('.', 2)[1]),
        ["malformed: header with trailing content"] = new(TokenRejection.Malformed,
            now => TokenBuilder.Encode("""{"alg":"RS256","kid":"rsa-key"} {}""") + "." + Valid(now).SignedBy(TestKeys.Rsa).Split('.', 2)[1]),
        ["malformed: header without alg"] = new(TokenRejection.Malformed, now => Valid(now).WithoutHeader("alg").SignedBy(TestKeys.Rsa), "'alg'"),
        ["malformed: alg is not a string"] = new(TokenRejection.Malformed, now => Valid(now).Header("alg", 256).SignedBy(TestKeys.Rsa)),
        ["malformed: alg given twice"] = new(TokenRejection.Malformed,
            now => TokenBuilder.Encode("""{"alg":"RS256","kid":"rsa-key","alg":"none"}""") + "." + Valid(now).SignedBy(TestKeys.Rsa).Split('.', 2)[1]),
        ["malformed: critical header extension"] = new(TokenRejection.Malformed,
            now => Valid(now).Header("crit", new JsonArray("exp")).Header("exp", 1).SignedBy(TestKeys.Rsa), "crit"),

        // Malformed payloads, signed with a published key: parsed only after the signature verified.
        ["malformed: payload is not JSON"] = new(TokenRejection.Malformed, now => SignRaw("""{"sub":"alice",""")),
        ["malformed: payload is a JSON string"] = new(TokenRejection.Malformed, now => SignRaw("\"alice\"")),
        ["malformed: a claim given twice"] = new(TokenRejection.Malformed, now => SignRaw(
            $$"""{"iss":"{{TokenBuilder.Issuer}}","sub":"alice","sub":"admin","aud":"{{TokenBuilder.Audience}}","exp":{{now.AddMinutes(5).ToUnixTimeSeconds()}}}""")),
        ["malformed: roles is not an array of strings"] = new(TokenRejection.Malformed,
            now => Valid(now).Claim("roles", new JsonArray("access", 7)).SignedBy(TestKeys.Rsa), "'roles'"),
        ["malformed: roles is a string"] = new(TokenRejection.Malformed, now => Valid(now).Claim("roles", "admin").SignedBy(TestKeys.Rsa), "'roles'"),
        ["malformed: traits is an array"] = new(TokenRejection.Malformed,
            now => Valid(now).Claim("traits", new JsonArray("root")).SignedBy(TestKeys.Rsa), "'traits'"),
        ["malformed: a trait value is a string"] = new(TokenRejection.Malformed,
            now => Valid(now).Claim("traits", new JsonObject { ["logins"] = "root" }).SignedBy(TestKeys.Rsa), "'traits'"),
        ["malformed: exp is a string"] = new(TokenRejection.Malformed,
            now => Valid(now).Claim("exp", now.AddMinutes(5).ToUnixTimeSeconds().ToString()).SignedBy(TestKeys.Rsa), "'exp'"),
        ["malformed: exp out of range"] = new(TokenRejection.Malformed, now => Valid(now).Claim("exp", 1e300).SignedBy(TestKeys.Rsa), "'exp'"),
        ["malformed: aud is a number"] = new(TokenRejection.Malformed, now => Valid(now).Claim("aud", 42).SignedBy(TestKeys.Rsa), "'aud'"),
        ["malformed: sub is an object"] = new(TokenRejection.Malformed,
            now => Valid(now).Claim("sub", new JsonObject { ["name"] = "alice" }).SignedBy(TestKeys.Rsa), "'sub'"),
    };

    /// <summary>Validators that are refused at construction: no token could make them safe.</summary>
    private static readonly Dictionary<string, RefusedConfiguration> RefusedConfigurations = new()
    {
        ["no audience configured"] = new(new() { Issuer = TokenBuilder.Issuer },
            nameof(PosternTokenValidatorOptions.Audiences), nameof(PosternTokenValidatorOptions.DangerouslyAcceptAnyAudience)),
        ["no issuer configured"] = new(new() { Audiences = [TokenBuilder.Audience] },
            nameof(PosternTokenValidatorOptions.Issuer), nameof(PosternTokenValidatorOptions.DangerouslyAcceptAnyIssuer)),
        ["neither issuer nor audience configured"] = new(new(),
            nameof(PosternTokenValidatorOptions.DangerouslyAcceptAnyAudience), nameof(PosternTokenValidatorOptions.DangerouslyAcceptAnyIssuer)),
        ["empty audience list"] = new(new() { Issuer = TokenBuilder.Issuer, Audiences = [] }, nameof(PosternTokenValidatorOptions.Audiences)),
        ["audiences and DangerouslyAcceptAnyAudience both"] = new(
            new() { Issuer = TokenBuilder.Issuer, Audiences = [TokenBuilder.Audience], DangerouslyAcceptAnyAudience = true },
            nameof(PosternTokenValidatorOptions.DangerouslyAcceptAnyAudience)),
        ["issuer and DangerouslyAcceptAnyIssuer both"] = new(
            new() { Issuer = TokenBuilder.Issuer, DangerouslyAcceptAnyIssuer = true, Audiences = [TokenBuilder.Audience] },
            nameof(PosternTokenValidatorOptions.DangerouslyAcceptAnyIssuer)),
        ["JWT-SVID accepting any audience"] = new(new() { TrustDomain = "example.com", DangerouslyAcceptAnyAudience = true },
            nameof(PosternTokenValidatorOptions.TrustDomain), nameof(PosternTokenValidatorOptions.DangerouslyAcceptAnyAudience)),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    public static TheoryData<string> RefusedConfigurationNames => [.. RefusedConfigurations.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Rejects(string name)
    {
        await using var harness = await ValidatorHarness.StartAsync();
        var @case = Cases[name];
        if (@case.Arrange is { } arrange)
        {
            await arrange(harness);
        }

        var token = @case.Token(harness.Clock.GetUtcNow());

        var result = await harness.ValidateAsync(token);

        RejectionAssert.Rejected(result, @case.Expected, @case.MessageMentions, token);
    }

    [Theory]
    [MemberData(nameof(RefusedConfigurationNames))]
    public void Refuses_to_build_a_validator(string name)
    {
        var refused = RefusedConfigurations[name];
        using var httpClient = new HttpClient();
        var keySet = new JsonWebKeySetCache(httpClient, new Uri("https://postern.example.com/.well-known/jwks.json"), TimeProvider.System);

        var error = Assert.Throws<ArgumentException>(() => new PosternTokenValidator(keySet, refused.Options, TimeProvider.System));

        Assert.Equal("options", error.ParamName);
        foreach (var mention in refused.MessageMentions)
        {
            Assert.Contains(mention, error.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>A token whose payload is <paramref name="payloadJson"/> verbatim, validly signed by <see cref="TestKeys.Rsa"/>.</summary>
    private static string SignRaw(string payloadJson)
    {
        var input = TokenBuilder.Encode($$"""{"alg":"RS256","typ":"JWT","kid":"{{TestKeys.Rsa.KeyId}}"}""") + "." + TokenBuilder.Encode(payloadJson);
        return input + "." + System.Buffers.Text.Base64Url.EncodeToString(TestKeys.Rsa.Sign(Encoding.ASCII.GetBytes(input)));
    }
}
