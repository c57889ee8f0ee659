using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using Postern.Verification;

namespace Postern.Fuzz.Harnesses;

/// <summary>
/// Compact JWS/JWT through <see cref="PosternTokenValidator.ValidateAsync"/>, configured once for app access
/// assertions and once for JWT-SVIDs, over an in-memory <see cref="KeySet"/>. The input is read two ways:
/// <list type="number">
/// <item>as a token, as received (any signature segment, so the header, segment and signature checks are reached);</item>
/// <item>as <c>header JSON</c>, a newline, <c>payload JSON</c> (or only a payload, under an ES256 header naming the
/// harness's key), encoded and signed by the harness with its ES256 key, so the claims are read and checked too.</item>
/// </list>
/// Contract: a result, never an exception; accepted with an identity, or refused with a rejection and a message.
/// </summary>
internal static class JwsHarness
{
    private const string DefaultHeader = $$"""{"alg":"ES256","typ":"JWT","kid":"{{FuzzKeys.EcKeyId}}"}""";

    private static readonly PosternTokenValidator AppAccess;
    private static readonly PosternTokenValidator Svid;

    static JwsHarness()
    {
        if (!KeySet.TryParse(FuzzKeys.Jwks(), "the fuzz key set", out var keys, out var error))
        {
            throw new InvalidOperationException(error);
        }

        AppAccess = new PosternTokenValidator(keys, new PosternTokenValidatorOptions
        {
            Issuer = "postern.fuzz",
            Audiences = ["https://app.postern.fuzz"],
        }, FixedTime.Instance);
        Svid = new PosternTokenValidator(keys, new PosternTokenValidatorOptions
        {
            TrustDomain = "example.org",
            Audiences = ["spiffe://example.org/db", "https://db.example.org"],
        }, FixedTime.Instance);
    }

    public static void Run(byte[] input)
    {
        var text = FuzzInput.Text(input);
        Validate(text);

        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        var (header, payload) = newline < 0 ? (DefaultHeader, text) : (text[..newline], text[(newline + 1)..]);
        Validate(Signed(header, payload));
    }

    /// <summary>A compact JWS of <paramref name="header"/> and <paramref name="payload"/>, signed with the ES256 key.</summary>
    public static string Signed(string header, string payload)
    {
        var signingInput = Base64UrlEncoder.Encode(header) + "." + Base64UrlEncoder.Encode(payload);
        var signature = FuzzKeys.Ec.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return signingInput + "." + Base64UrlEncoder.Encode(signature);
    }

    private static void Validate(string token)
    {
        foreach (var validator in (ReadOnlySpan<PosternTokenValidator>)[AppAccess, Svid])
        {
            var pending = validator.ValidateAsync(token);
            ContractBroken.Unless(pending.IsCompleted, "validation against an in-memory key set did not complete synchronously");
            var result = pending.Result;
            ContractBroken.Unless(
                result.IsValid ? result.Rejection is null : result.Rejection is not null && !string.IsNullOrEmpty(result.Message),
                $"inconsistent result: {result}");
        }
    }
}
