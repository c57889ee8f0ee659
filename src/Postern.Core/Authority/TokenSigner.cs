using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace Postern.Authority;

/// <summary>
/// The one place that signs tokens: a claim set with an authority's signing key. The JOSE header
/// holds <c>alg</c>, <c>kid</c> and <c>typ</c> and nothing else; the payload holds exactly the
/// caller's claims, with <c>aud</c> always an array and timestamps as integer seconds.
/// </summary>
/// <remarks>
/// The compact form is assembled here rather than by <c>JsonWebTokenHandler</c>: measured with
/// <c>bench/Postern.Bench</c> (docs/performance.md), the handler's per-token overhead kept signing
/// below 0.95x of the raw signature rate, most visibly for ES256. The header is encoded once per
/// key; the payload is written straight to a pooled buffer; the signature is the platform's.
/// Tokens are verified by IdentityModel and jose in the tests.
/// </remarks>
public sealed class TokenSigner(CertAuthorities authorities)
{
    /// <summary>Room for any signature an authority makes: 1,024 bytes is RSA-8192's; RSA-2048's is 256, P-256's r‖s 64.</summary>
    private const int MaxSignatureBytes = 1024;

    private static readonly JsonSerializerOptions ValueOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Signs <paramref name="claims"/> with the active key of <paramref name="type"/>.</summary>
    public SignedToken Sign(CertAuthorityType type, IReadOnlyDictionary<string, object> claims)
    {
        var authority = authorities.Get(type);
        var payload = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(payload, new JsonWriterOptions { Encoder = ValueOptions.Encoder }))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in claims)
            {
                writer.WritePropertyName(name);
                WriteValue(writer, name, value);
            }

            writer.WriteEndObject();
        }

        var header = authority.EncodedHeader;
        var payloadLength = Base64Url.GetEncodedLength(payload.WrittenCount);
        var signingInput = ArrayPool<byte>.Shared.Rent(header.Length + 1 + payloadLength);
        try
        {
            header.CopyTo(signingInput);
            signingInput[header.Length] = (byte)'.';
            Base64Url.EncodeToUtf8(payload.WrittenSpan, signingInput.AsSpan(header.Length + 1));
            var input = signingInput.AsSpan(0, header.Length + 1 + payloadLength);
            Span<byte> signature = stackalloc byte[MaxSignatureBytes];
            var signed = authority.SigningKey switch
            {
                RSA rsa => rsa.TrySignData(input, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, out var written) ? written : -1,
                ECDsa ecdsa => ecdsa.TrySignData(input, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation, out var written) ? written : -1,
                _ => throw new InvalidOperationException($"the {type.Name()} authority's key cannot sign"),
            };
            if (signed < 0)
            {
                throw new InvalidOperationException($"the {type.Name()} authority's signature is over {MaxSignatureBytes} bytes");
            }

            return new SignedToken(Compact(input, signature[..signed]), authority.SigningKid);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(signingInput);
        }
    }

    /// <summary>The compact form: the signing input (ASCII already), a dot, the signature in base64url; one string built in place.</summary>
    private static string Compact(ReadOnlySpan<byte> input, ReadOnlySpan<byte> signature)
    {
        var length = input.Length + 1 + Base64Url.GetEncodedLength(signature.Length);
        Span<char> token = length <= 2048 ? stackalloc char[length] : new char[length];
        System.Text.Encoding.ASCII.GetChars(input, token);
        token[input.Length] = '.';
        Base64Url.EncodeToChars(signature, token[(input.Length + 1)..]);
        return new string(token);
    }

    private static void WriteValue(Utf8JsonWriter writer, string name, object value)
    {
        switch (value)
        {
            case string audience when name == "aud":
                writer.WriteStartArray();
                writer.WriteStringValue(audience);
                writer.WriteEndArray();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case long number:
                writer.WriteNumberValue(number);
                break;
            case int number:
                writer.WriteNumberValue(number);
                break;
            case DateTimeOffset time:
                writer.WriteNumberValue(time.ToUnixTimeSeconds());
                break;
            case DateTime:
                throw new ArgumentException($"claim '{name}': pass a DateTimeOffset or Unix seconds, not a DateTime", nameof(value));
            case IEnumerable<string> strings:
                writer.WriteStartArray();
                foreach (var item in strings)
                {
                    writer.WriteStringValue(item);
                }

                writer.WriteEndArray();
                break;
            case IEnumerable<KeyValuePair<string, object>> members:
                writer.WriteStartObject();
                foreach (var (member, item) in members)
                {
                    writer.WritePropertyName(member);
                    WriteValue(writer, member, item);
                }

                writer.WriteEndObject();
                break;
            case IEnumerable<KeyValuePair<string, string[]>> lists:
                writer.WriteStartObject();
                foreach (var (member, items) in lists)
                {
                    writer.WritePropertyName(member);
                    WriteValue(writer, member, items);
                }

                writer.WriteEndObject();
                break;
            default:
                JsonSerializer.Serialize(writer, value, value.GetType(), ValueOptions);
                break;
        }
    }
}
