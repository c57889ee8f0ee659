using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using Postern.Verification;

namespace Postern.Agent.Bundles;

/// <summary>
/// The trust domain's JWT bundle: the server's workload key set read by
/// <see cref="Postern.Verification.KeySet"/> (which decides the usable keys), and the same keys
/// re-written in the SPIFFE bundle format (every key with <c>use: "jwt-svid"</c>) for the Workload API.
/// </summary>
internal sealed class JwtBundle : ITrustDomainBundle
{
    public const string SpiffeUse = "jwt-svid";

    private JwtBundle(string trustDomain, KeySet keys, string? etag)
    {
        TrustDomain = trustDomain;
        TrustDomainId = "spiffe://" + trustDomain;
        Keys = keys;
        SpiffeJson = ToSpiffeBundle(keys);
        ETag = etag;
    }

    public string TrustDomain { get; }

    /// <summary><c>spiffe://&lt;trust domain&gt;</c>: the key of the bundle in <c>FetchJWTBundles</c>.</summary>
    public string TrustDomainId { get; }

    /// <summary>The bundle as a JWKS document in the SPIFFE bundle format.</summary>
    public byte[] SpiffeJson { get; }

    byte[] ITrustDomainBundle.Served => SpiffeJson;

    /// <summary>The usable keys, for validating JWT-SVIDs.</summary>
    public KeySet Keys { get; }

    /// <summary>The ETag of the server key set this bundle was made from.</summary>
    public string? ETag { get; }

    /// <summary>Builds the bundle from the server's JWKS; keys the verification library cannot use are left out.</summary>
    public static bool TryCreate(string trustDomain, byte[] jwks, string? etag, [NotNullWhen(true)] out JwtBundle? bundle, [NotNullWhen(false)] out string? error)
    {
        bundle = null;
        if (!KeySet.TryParse(Encoding.UTF8.GetString(jwks), $"the bundle of trust domain '{trustDomain}'", out var keys, out error))
        {
            return false;
        }

        bundle = new JwtBundle(trustDomain, keys, etag);
        return true;
    }

    /// <summary>Each usable JWK as the server published it, but for <c>use</c>, which becomes <c>jwt-svid</c>.</summary>
    private static byte[] ToSpiffeBundle(KeySet keys)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("keys");
            foreach (var jwk in keys.Jwks)
            {
                writer.WriteStartObject();
                foreach (var member in jwk.EnumerateObject().Where(m => !m.NameEquals("use")))
                {
                    member.WriteTo(writer);
                }

                writer.WriteString("use", SpiffeUse);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
