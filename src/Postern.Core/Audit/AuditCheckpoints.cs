using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using Postern.Authority;
using Postern.Storage;

namespace Postern.Audit;

/// <summary>What a checkpoint's signature covers, and its check against the audit authority's public keys.</summary>
public static class AuditCheckpoints
{
    /// <summary>
    /// The signed bytes: <c>postern audit checkpoint</c>, the chain, the position, the head hash (base64url) and the
    /// time (Unix milliseconds), a line each, in UTF-8.
    /// </summary>
    public static byte[] Payload(string chain, long sequence, ReadOnlySpan<byte> head, DateTimeOffset time) =>
        Encoding.UTF8.GetBytes(string.Create(
            CultureInfo.InvariantCulture,
            $"postern audit checkpoint\n{chain}\n{sequence}\n{Base64UrlEncoder.Encode(head.ToArray())}\n{time.ToUnixTimeMilliseconds()}"));

    /// <summary>A checkpoint of <paramref name="head"/> at <paramref name="time"/>, signed by <paramref name="signer"/>.</summary>
    public static AuditCheckpoint Seal(AuditChainHead head, DateTimeOffset time, IAuditCheckpointSigner signer)
    {
        // Stored to the millisecond, as the signature covers it.
        var at = DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());
        return new AuditCheckpoint(head.Chain, head.Sequence, head.Hash, at, signer.Kid, signer.Sign(Payload(head.Chain, head.Sequence, head.Hash, at)));
    }

    /// <summary>Whether <paramref name="checkpoint"/> carries a valid signature of one of <paramref name="keys"/> (by <c>kid</c>).</summary>
    public static bool IsSignedBy(AuditCheckpoint checkpoint, IReadOnlyList<AuthorityKey> keys)
    {
        var key = keys.FirstOrDefault(k => k.Kid == checkpoint.Kid);
        if (key is null)
            return false;

        var payload = Payload(checkpoint.Chain, checkpoint.Sequence, checkpoint.Head, checkpoint.Time);
        var jwk = key.PublicJwk;
        if (jwk["kty"] == "EC")
        {
            using var ecdsa = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = Base64UrlEncoder.DecodeBytes(jwk["x"]), Y = Base64UrlEncoder.DecodeBytes(jwk["y"]) },
            });
            return ecdsa.VerifyData(payload, checkpoint.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }

        using var rsa = RSA.Create(new RSAParameters { Modulus = Base64UrlEncoder.DecodeBytes(jwk["n"]), Exponent = Base64UrlEncoder.DecodeBytes(jwk["e"]) });
        return rsa.VerifyData(payload, checkpoint.Signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }
}
