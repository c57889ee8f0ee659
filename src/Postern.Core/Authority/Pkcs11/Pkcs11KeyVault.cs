using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Postern.Authority.Pkcs11;

/// <summary>
/// Keeps an authority's keys in a PKCS#11 token: key pairs are made inside it and never leave it
/// (sensitive, not extractable); the store holds the public key and a <see cref="Pkcs11KeyRef"/>.
/// </summary>
internal sealed class Pkcs11KeyVault(Pkcs11Token token) : IKeyVault
{
    private const int IdLength = 16;
    private static readonly byte[] PublicExponent = [0x01, 0x00, 0x01];

    /// <summary>The token the keys are in.</summary>
    public Pkcs11Token Token => token;

    /// <inheritdoc/>
    /// <exception cref="KeyEncryptionKeyException">The token could not make the key pair.</exception>
    public AuthorityKey Generate(CertAuthorityType type, string alg, DateTimeOffset now)
    {
        if (!SigningAlgorithm.IsSupported(alg))
        {
            throw new ArgumentException($"unsupported algorithm '{alg}'", nameof(alg));
        }

        try
        {
            return token.RunReadWrite(session => Generate(session, type, alg, now));
        }
        catch (Pkcs11Exception e)
        {
            throw new KeyEncryptionKeyException($"token '{token.Label}' could not make an {alg} key pair for the {type.Name()} authority: {e.RV}");
        }
    }

    /// <inheritdoc/>
    public bool Holds(AuthorityKey key) => key.Pkcs11 is { } reference && reference.TokenLabel == token.Label;

    /// <inheritdoc/>
    public AsymmetricSecurityKey Open(CertAuthorityType type, AuthorityKey key)
    {
        var reference = key.Pkcs11 ?? throw new KeyEncryptionKeyException($"the {type.Name()} authority's key {key.Kid} has no PKCS#11 reference");
        var described = $"the {type.Name()} authority's key {key.Kid} (CKA_ID {reference.Id}, label '{reference.Label}')";
        if (AuthorityKeys.Thumbprint(key.PublicJwk) != key.Kid)
        {
            throw new KeyEncryptionKeyException($"the stored public key of {described} is not the one its kid names");
        }

        List<IObjectHandle> found;
        try
        {
            found = token.Run(Convert.FromHexString(reference.Id), FindPrivateKeys);
        }
        catch (Pkcs11Exception e)
        {
            throw new KeyEncryptionKeyException($"token '{token.Label}' could not look for {described}: {e.RV}");
        }

        if (found.Count != 1)
        {
            throw new KeyEncryptionKeyException(found.Count == 0
                ? $"{described} is not in token '{token.Label}' ({token.Module.Path}); restore it to the token, or name the token that holds it in authorities.{type.Name()}.keys.pkcs11"
                : $"token '{token.Label}' holds {found.Count} private keys with the CKA_ID of {described}; remove the ones Postern did not make");
        }

        AsymmetricAlgorithm signer = key.Alg == SigningAlgorithm.RS256
            ? new Pkcs11Rsa(token, found[0], Pkcs11PublicKey.Rsa(key.PublicJwk))
            : new Pkcs11ECDsa(token, found[0], Pkcs11PublicKey.EC(key.PublicJwk));
        if (Mismatch(signer) is { } reason)
        {
            signer.Dispose();
            throw new KeyEncryptionKeyException($"the private key in token '{token.Label}' with the CKA_ID of {described} is not the stored key's pair: {reason}");
        }

        return signer is RSA rsa
            ? new RsaSecurityKey(rsa) { KeyId = key.Kid }
            : new ECDsaSecurityKey((ECDsa)signer) { KeyId = key.Kid };
    }

    private AuthorityKey Generate(ISession session, CertAuthorityType type, string alg, DateTimeOffset now)
    {
        var id = RandomNumberGenerator.GetBytes(IdLength);
        var label = $"postern-{type.Name()}";
        var attributes = token.Module.Factories.ObjectAttributeFactory;
        List<IObjectAttribute> publicTemplate =
        [
            attributes.Create(CKA.CKA_TOKEN, true),
            attributes.Create(CKA.CKA_PRIVATE, false),
            attributes.Create(CKA.CKA_ID, id),
            attributes.Create(CKA.CKA_LABEL, label),
            attributes.Create(CKA.CKA_VERIFY, true),
            attributes.Create(CKA.CKA_ENCRYPT, false),
            attributes.Create(CKA.CKA_WRAP, false),
        ];
        List<IObjectAttribute> privateTemplate =
        [
            attributes.Create(CKA.CKA_TOKEN, true),
            attributes.Create(CKA.CKA_PRIVATE, true),
            attributes.Create(CKA.CKA_SENSITIVE, true),
            attributes.Create(CKA.CKA_EXTRACTABLE, false),
            attributes.Create(CKA.CKA_ID, id),
            attributes.Create(CKA.CKA_LABEL, label),
            attributes.Create(CKA.CKA_SIGN, true),
            attributes.Create(CKA.CKA_DECRYPT, false),
            attributes.Create(CKA.CKA_UNWRAP, false),
            attributes.Create(CKA.CKA_DERIVE, false),
        ];
        CKM kind;
        if (alg == SigningAlgorithm.RS256)
        {
            kind = CKM.CKM_RSA_PKCS_KEY_PAIR_GEN;
            publicTemplate.Add(attributes.Create(CKA.CKA_MODULUS_BITS, 2048UL));
            publicTemplate.Add(attributes.Create(CKA.CKA_PUBLIC_EXPONENT, PublicExponent));
        }
        else
        {
            kind = CKM.CKM_EC_KEY_PAIR_GEN;
            publicTemplate.Add(attributes.Create(CKA.CKA_EC_PARAMS, Pkcs11PublicKey.P256Params));
        }

        IObjectHandle publicKey, privateKey;
        try
        {
            using var mechanism = token.Module.Factories.MechanismFactory.Create(kind);
            session.GenerateKeyPair(mechanism, publicTemplate, privateTemplate, out publicKey, out privateKey);
        }
        finally
        {
            publicTemplate.DisposeAll();
            privateTemplate.DisposeAll();
        }

        try
        {
            var publicJwk = Pkcs11PublicKey.ReadJwk(session, publicKey, alg);
            var kid = AuthorityKeys.Thumbprint(publicJwk);
            return new AuthorityKey
            {
                Kid = kid,
                Alg = alg,
                PublicJwk = publicJwk,
                PrivateKey = null,
                Pkcs11 = new Pkcs11KeyRef
                {
                    TokenLabel = token.Label,
                    TokenSerial = token.Serial,
                    Id = Convert.ToHexStringLower(id),
                    Label = Relabel(session, privateKey, publicKey, $"{label}-{kid}") ?? label,
                },
                Created = now,
            };
        }
        catch
        {
            // A key pair that Postern will not record is not left behind in the token.
            session.DestroyObject(privateKey);
            session.DestroyObject(publicKey);
            throw;
        }
    }

    // Names the objects after the kid, known only now. CKA_LABEL is modifiable by default, but a token may
    // refuse; the key is found by its CKA_ID, so the first label then stays.
    private string? Relabel(ISession session, IObjectHandle privateKey, IObjectHandle publicKey, string label)
    {
        if (!TrySetLabel(session, privateKey, label))
        {
            return null;
        }

        TrySetLabel(session, publicKey, label);
        return label;
    }

    private bool TrySetLabel(ISession session, IObjectHandle handle, string label)
    {
        List<IObjectAttribute> template = [token.Module.Factories.ObjectAttributeFactory.Create(CKA.CKA_LABEL, label)];
        try
        {
            session.SetAttributeValue(handle, template);
            return true;
        }
        catch (Pkcs11Exception)
        {
            return false;
        }
        finally
        {
            template.DisposeAll();
        }
    }

    private static List<IObjectHandle> FindPrivateKeys(ISession session, byte[] id)
    {
        var attributes = session.Factories.ObjectAttributeFactory;
        List<IObjectAttribute> template =
        [
            attributes.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY),
            attributes.Create(CKA.CKA_ID, id),
        ];
        try
        {
            return session.FindAllObjects(template);
        }
        finally
        {
            template.DisposeAll();
        }
    }

    // The proof that the token's key is the stored one: a signature made in the token verifies with the stored public key.
    private static string? Mismatch(AsymmetricAlgorithm signer)
    {
        var probe = RandomNumberGenerator.GetBytes(32);
        try
        {
            var sha256 = HashAlgorithmName.SHA256;
            var verified = signer switch
            {
                RSA rsa => rsa.VerifyData(probe, rsa.SignData(probe, sha256, RSASignaturePadding.Pkcs1), sha256, RSASignaturePadding.Pkcs1),
                ECDsa ecdsa => ecdsa.VerifyData(probe, ecdsa.SignData(probe, sha256), sha256),
                _ => false,
            };
            return verified ? null : "its signature does not verify with the stored public key";
        }
        catch (CryptographicException e)
        {
            return e.Message;
        }
    }
}
