using System.Collections.Frozen;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Postern.Verification.Tests.Wycheproof;

/// <summary>
/// The vendored Wycheproof files (see <c>vectors/README.md</c>) and how each vector is run through
/// Postern.Verification: the JOSE vectors through <see cref="KeySet.TryParse"/> and the validator's
/// signature layer, the raw signature vectors through <see cref="JsonWebKeyReader"/> and
/// <see cref="VerificationKey.Verify"/>, the primitive the validator calls.
/// </summary>
public static class WycheproofVectors
{
    public const string JsonWebSignature = "json_web_signature_test.json";
    public const string JsonWebKey = "json_web_key_test.json";
    public const string Ecdsa = "ecdsa_secp256r1_sha256_p1363_test.json";
    public const string RsaSignature = "rsa_signature_2048_sha256_test.json";

    /// <summary>An RSA encryption (RSAES-PKCS1-v1_5 decryption) file: no signature vectors, so not applicable.</summary>
    public const string RsaEncryption = "rsa_pkcs1_2048_test.json";

    public static readonly string[] SignatureFiles = [JsonWebSignature, JsonWebKey, Ecdsa, RsaSignature];

    private static readonly Lazy<FrozenDictionary<string, WycheproofVector>> ById = new(() =>
        SignatureFiles.SelectMany(Read).ToFrozenDictionary(v => Id(v.File, v.TestCaseId), StringComparer.Ordinal));

    public static IEnumerable<WycheproofVector> All => SignatureFiles.SelectMany(Read);

    public static WycheproofVector Find(string file, int testCaseId) => ById.Value[Id(file, testCaseId)];

    private static string Id(string file, int testCaseId) => $"{file}#{testCaseId}";

    public static JsonDocument Open(string file) =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Wycheproof", "vectors", file)));

    public static IEnumerable<WycheproofVector> Read(string file)
    {
        using var document = Open(file);
        foreach (var group in document.RootElement.GetProperty("testGroups").EnumerateArray())
        {
            foreach (var test in group.GetProperty("tests").EnumerateArray())
            {
                yield return new WycheproofVector(
                    file,
                    test.GetProperty("tcId").GetInt32(),
                    test.GetProperty("result").GetString()!,
                    test.GetProperty("comment").GetString()!,
                    group.Clone(),
                    test.Clone());
            }
        }
    }

    public static async Task<WycheproofVerdict> RunAsync(WycheproofVector vector) =>
        vector.File is JsonWebSignature or JsonWebKey ? await RunJoseAsync(vector) : RunRaw(vector);

    private static async Task<WycheproofVerdict> RunJoseAsync(WycheproofVector vector)
    {
        if (vector.Test.GetProperty("jws") is not { ValueKind: JsonValueKind.String } jws)
        {
            // JSON serialization: Postern reads compact tokens only.
            return new WycheproofVerdict(false, false, "not a compact JWS");
        }

        var token = jws.GetString()!;
        var algorithm = HeaderAlgorithm(token);
        var outside = algorithm is null || !PosternTokenValidatorOptions.SupportedAlgorithms.Contains(algorithm);

        // The key set as published: "public" when the group has one, else "private" (HMAC keys).
        var keys = vector.Group.TryGetProperty("public", out var published) ? published : vector.Group.GetProperty("private");
        var json = keys.TryGetProperty("keys", out _) ? keys.GetRawText() : $"{{\"keys\":[{keys.GetRawText()}]}}";
        if (!KeySet.TryParse(json, "the Wycheproof key set", out var keySet, out var error))
        {
            return new WycheproofVerdict(false, outside, error);
        }

        var validator = new PosternTokenValidator(
            keySet,
            new PosternTokenValidatorOptions { DangerouslyAcceptAnyAudience = true, DangerouslyAcceptAnyIssuer = true },
            TimeProvider.System);
        var rejected = await validator.VerifySignatureAsync(token);
        return new WycheproofVerdict(rejected is null, outside, rejected is null ? "signature verified" : $"{rejected.Rejection}: {rejected.Message}");
    }

    private static WycheproofVerdict RunRaw(WycheproofVector vector)
    {
        if (!JsonWebKeyReader.TryRead(RawKey(vector.Group), out var key, out var reason))
        {
            return new WycheproofVerdict(false, false, $"key refused: {reason}");
        }

        var message = Convert.FromHexString(vector.Test.GetProperty("msg").GetString()!);
        var signature = Convert.FromHexString(vector.Test.GetProperty("sig").GetString()!);
        var verified = key.Verify(message, message.Length, signature);
        return new WycheproofVerdict(verified, false, verified ? "signature verified" : "signature refused");
    }

    /// <summary>The group's key as a JWK: publicKeyJwk or keyJwk, or for ECDSA groups without one, built from wx and wy.</summary>
    private static JsonWebKey RawKey(JsonElement group)
    {
        if (group.TryGetProperty("publicKeyJwk", out var jwk) || group.TryGetProperty("keyJwk", out jwk))
        {
            return new JsonWebKey(jwk.GetRawText());
        }

        var publicKey = group.GetProperty("publicKey");
        return new JsonWebKey
        {
            Kty = "EC",
            Crv = "P-256",
            Kid = "none",
            X = Coordinate(publicKey.GetProperty("wx").GetString()!),
            Y = Coordinate(publicKey.GetProperty("wy").GetString()!),
        };
    }

    /// <summary>A coordinate as Wycheproof writes it (hex, perhaps with a leading 00) as a 32-byte base64url JWK member.</summary>
    private static string Coordinate(string hex)
    {
        var bytes = Convert.FromHexString(hex).AsSpan();
        while (bytes.Length > 32 && bytes[0] == 0)
        {
            bytes = bytes[1..];
        }

        var padded = new byte[Math.Max(32, bytes.Length)];
        bytes.CopyTo(padded.AsSpan(padded.Length - bytes.Length));
        return Base64UrlEncoder.Encode(padded);
    }

    private static string? HeaderAlgorithm(string token)
    {
        try
        {
            var header = token.Split('.')[0];
            using var document = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(header));
            return document.RootElement.TryGetProperty("alg", out var alg) && alg.ValueKind == JsonValueKind.String ? alg.GetString() : null;
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            return null;
        }
    }
}
