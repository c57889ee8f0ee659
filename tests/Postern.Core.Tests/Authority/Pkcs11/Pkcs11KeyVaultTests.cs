using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Postern.Authority;
using Postern.Authority.Pkcs11;
using Postern.Configuration;
using Postern.Testing;

namespace Postern.Core.Tests.Authority.Pkcs11;

/// <summary>Keys made, kept and used in a SoftHSM2 token (one for the class: each test makes keys of its own).</summary>
public sealed class Pkcs11KeyVaultTests(Pkcs11KeyVaultTests.TokenFixture fixture) : IClassFixture<Pkcs11KeyVaultTests.TokenFixture>
{
    private const string PinEnv = "POSTERN_HSM_PIN";
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly string _token = fixture.Label;
    private readonly Pkcs11KeyVaults _vaults = fixture.Vaults;

    private Pkcs11KeyVault Vault => (Pkcs11KeyVault)_vaults.ByAuthority[CertAuthorityType.Jwt];

    internal static AuthoritiesConfig Config(string jwtToken, string? workloadToken = null, string? module = null) => new()
    {
        Jwt = new AuthorityConfig { Pkcs11 = new Pkcs11Config { Module = module ?? SoftHsm.Module, TokenLabel = jwtToken, PinEnv = PinEnv } },
        Workload = workloadToken is null ? new AuthorityConfig() : new AuthorityConfig { Pkcs11 = new Pkcs11Config { Module = module ?? SoftHsm.Module, TokenLabel = workloadToken, PinEnv = PinEnv } },
    };

    internal static Pkcs11KeyVaults Open(AuthoritiesConfig config, string? pin = SoftHsm.UserPin) =>
        Pkcs11KeyVaults.Open(config, name => name == PinEnv ? pin : null);

    [Theory]
    [InlineData(SigningAlgorithm.RS256)]
    [InlineData(SigningAlgorithm.ES256)]
    public void A_key_made_in_the_token_signs_what_its_published_public_key_verifies(string alg)
    {
        var key = Vault.Generate(CertAuthorityType.Jwt, alg, Now);
        var opened = Vault.Open(CertAuthorityType.Jwt, key);
        var data = Encoding.ASCII.GetBytes("header.payload");

        var signature = Sign(opened, data);

        Assert.True(Verify(key.PublicJwk, data, signature));
        Assert.False(Verify(key.PublicJwk, Encoding.ASCII.GetBytes("header.payload2"), signature));
        Assert.Equal(key.Kid, opened.KeyId);
        Assert.Equal(AuthorityKeys.Thumbprint(key.PublicJwk), key.Kid);
        Assert.Equal(alg, key.Alg);
        Assert.Equal(Now, key.Created);
        Assert.Null(key.PrivateKey);
        Assert.Equal(_token, key.Pkcs11!.TokenLabel);
        Assert.Equal($"postern-jwt-{key.Kid}", key.Pkcs11.Label);
        Assert.Equal(32, key.Pkcs11.Id.Length);
    }

    [Theory]
    [InlineData(SigningAlgorithm.RS256, CKA.CKA_PRIVATE_EXPONENT)]
    [InlineData(SigningAlgorithm.ES256, CKA.CKA_VALUE)]
    public void The_private_key_was_made_in_the_token_and_can_never_leave_it(string alg, CKA secret)
    {
        var key = Vault.Generate(CertAuthorityType.Jwt, alg, Now);

        var attributes = PrivateKeyAttributes(key, [CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE, CKA.CKA_ALWAYS_SENSITIVE, CKA.CKA_NEVER_EXTRACTABLE, CKA.CKA_TOKEN, CKA.CKA_PRIVATE, CKA.CKA_SIGN, CKA.CKA_DECRYPT, CKA.CKA_LABEL, secret]);

        Assert.True(attributes[0].GetValueAsBool(), "CKA_SENSITIVE");
        Assert.False(attributes[1].GetValueAsBool(), "CKA_EXTRACTABLE");
        Assert.True(attributes[2].GetValueAsBool(), "CKA_ALWAYS_SENSITIVE");
        Assert.True(attributes[3].GetValueAsBool(), "CKA_NEVER_EXTRACTABLE");
        Assert.True(attributes[4].GetValueAsBool(), "CKA_TOKEN");
        Assert.True(attributes[5].GetValueAsBool(), "CKA_PRIVATE");
        Assert.True(attributes[6].GetValueAsBool(), "CKA_SIGN");
        Assert.False(attributes[7].GetValueAsBool(), "CKA_DECRYPT");
        Assert.Equal(key.Pkcs11!.Label, attributes[8].GetValueAsString());
        Assert.True(attributes[9].CannotBeRead, $"{secret} was readable");
    }

    [Theory]
    [InlineData(SigningAlgorithm.RS256)]
    [InlineData(SigningAlgorithm.ES256)]
    public void The_opened_key_exports_its_public_half_only(string alg)
    {
        var key = Vault.Generate(CertAuthorityType.Jwt, alg, Now);
        var opened = Vault.Open(CertAuthorityType.Jwt, key);

        if (opened is RsaSecurityKey { Rsa: { } rsa })
        {
            Assert.Equal(key.PublicJwk["n"], Base64Url.EncodeToString(rsa.ExportParameters(false).Modulus));
            Assert.Throws<CryptographicException>(() => rsa.ExportParameters(true));
            Assert.ThrowsAny<CryptographicException>(() => rsa.ExportPkcs8PrivateKey());
        }
        else
        {
            var ecdsa = ((ECDsaSecurityKey)opened).ECDsa;
            Assert.Equal(key.PublicJwk["x"], Base64Url.EncodeToString(ecdsa.ExportParameters(false).Q.X));
            Assert.Throws<CryptographicException>(() => ecdsa.ExportParameters(true));
            Assert.ThrowsAny<CryptographicException>(() => ecdsa.ExportPkcs8PrivateKey());
        }
    }

    [Fact]
    public void Keys_made_one_after_another_in_one_token_each_open_and_sign_as_themselves()
    {
        var keys = new[] { SigningAlgorithm.RS256, SigningAlgorithm.ES256, SigningAlgorithm.RS256, SigningAlgorithm.ES256 }
            .Select((alg, i) => Vault.Generate(CertAuthorityType.Jwt, alg, Now.AddDays(i)))
            .ToList();
        var data = Encoding.ASCII.GetBytes("rotation");

        var signatures = keys.Select(k => Sign(Vault.Open(CertAuthorityType.Jwt, k), data)).ToList();

        Assert.Equal(keys.Count, keys.Select(k => k.Kid).Distinct().Count());
        Assert.Equal(keys.Count, keys.Select(k => k.Pkcs11!.Id).Distinct().Count());
        for (var i = 0; i < keys.Count; i++)
        {
            for (var j = 0; j < keys.Count; j++)
            {
                if (keys[i].Alg == keys[j].Alg)
                {
                    Assert.Equal(i == j, Verify(keys[j].PublicJwk, data, signatures[i]));
                }
            }
        }
    }

    [Theory]
    [InlineData(SigningAlgorithm.RS256)]
    [InlineData(SigningAlgorithm.ES256)]
    public async Task Many_threads_sign_at_once_and_every_signature_verifies(string alg)
    {
        var key = Vault.Generate(CertAuthorityType.Jwt, alg, Now);
        var opened = Vault.Open(CertAuthorityType.Jwt, key);
        var signers = Enumerable.Range(0, 16).Select(t => Task.Run(() =>
            Enumerable.Range(0, 25).All(i =>
            {
                var data = Encoding.ASCII.GetBytes($"thread {t} token {i}");
                return Verify(key.PublicJwk, data, Sign(opened, data));
            })));

        var results = await Task.WhenAll(signers);

        Assert.All(results, Assert.True);
    }

    [Theory]
    [InlineData(SigningAlgorithm.RS256)]
    [InlineData(SigningAlgorithm.ES256)]
    public async Task A_token_signed_by_an_authority_whose_key_is_in_the_token_verifies_with_its_key_set(string alg)
    {
        var keyring = new AuthorityKeyring(KeyEncryptionKey.Generate(), "test", _vaults.ByAuthority);
        var key = keyring.Generate(CertAuthorityType.Jwt, alg, Now);
        var document = new CertAuthorityDocument { Type = "jwt", SigningKid = key.Kid, Keys = [key] };
        var authorities = new CertAuthorities();
        authorities.Set(CertAuthority.Open(CertAuthorityType.Jwt, document, 1, keyring));

        var token = new TokenSigner(authorities).Sign(CertAuthorityType.Jwt, new Dictionary<string, object> { ["sub"] = "alice", ["exp"] = Now.AddHours(1) });

        var published = new JsonWebKeySet(Encoding.UTF8.GetString(authorities.Get(CertAuthorityType.Jwt).KeySet.Json.Span)).Keys.Single();
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token.Value, new TokenValidationParameters
        {
            IssuerSigningKey = published,
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal(key.Kid, ((JsonWebToken)result.SecurityToken).Kid);
    }

    [Fact]
    public void An_authority_document_written_before_keys_could_live_in_a_token_still_reads()
    {
        var sealedKey = AuthorityKeys.Generate(CertAuthorityType.Jwt, SigningAlgorithm.ES256, KeyEncryptionKey.Generate(), Now);
        var old = JsonSerializer.SerializeToNode(new CertAuthorityDocument { Type = "jwt", SigningKid = sealedKey.Kid, Keys = [sealedKey] }, AuthorityJson.Options)!;
        old["keys"]![0]!.AsObject().Remove("pkcs11");

        var read = AuthorityJson.Deserialize(Encoding.UTF8.GetBytes(old.ToJsonString()), CertAuthorityType.Jwt);

        Assert.Null(read.Keys[0].Pkcs11);
        Assert.Equal(sealedKey.PrivateKey, read.Keys[0].PrivateKey);
    }

    [Fact]
    public void A_key_in_a_token_is_stored_as_its_reference_and_public_key_only()
    {
        var key = Vault.Generate(CertAuthorityType.Jwt, SigningAlgorithm.ES256, Now);
        var json = AuthorityJson.Serialize(new CertAuthorityDocument { Type = "jwt", SigningKid = key.Kid, Keys = [key] });

        var stored = JsonDocument.Parse(json).RootElement.GetProperty("keys")[0];
        var read = AuthorityJson.Deserialize(json, CertAuthorityType.Jwt).Keys[0];

        Assert.Equal(JsonValueKind.Null, stored.GetProperty("private_key").ValueKind);
        Assert.Equal(["id", "label", "token_label", "token_serial"], stored.GetProperty("pkcs11").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(key.Pkcs11, read.Pkcs11);
        Assert.Equal(key.Kid, Vault.Open(CertAuthorityType.Jwt, read).KeyId);
    }

    [Fact]
    public void A_stored_key_that_is_not_in_the_token_is_named_with_its_token()
    {
        var key = Vault.Generate(CertAuthorityType.Jwt, SigningAlgorithm.ES256, Now);
        var missing = key with { Pkcs11 = key.Pkcs11! with { Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) } };

        var error = Assert.Throws<KeyEncryptionKeyException>(() => Vault.Open(CertAuthorityType.Workload, missing));

        Assert.Contains($"the workload authority's key {key.Kid} (CKA_ID {missing.Pkcs11!.Id}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"is not in token '{_token}' ({SoftHsm.Module})", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_token_key_that_is_not_the_stored_public_keys_pair_is_refused()
    {
        var stored = Vault.Generate(CertAuthorityType.Jwt, SigningAlgorithm.ES256, Now);
        var other = Vault.Generate(CertAuthorityType.Jwt, SigningAlgorithm.ES256, Now);
        var swapped = stored with { Pkcs11 = other.Pkcs11 };

        var error = Assert.Throws<KeyEncryptionKeyException>(() => Vault.Open(CertAuthorityType.Jwt, swapped));

        Assert.Contains("is not the stored key's pair", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_vault_holds_only_keys_of_its_own_token()
    {
        var key = Vault.Generate(CertAuthorityType.Jwt, SigningAlgorithm.ES256, Now);
        var sealedKey = AuthorityKeys.Generate(CertAuthorityType.Jwt, SigningAlgorithm.ES256, KeyEncryptionKey.Generate(), Now);

        Assert.True(Vault.Holds(key));
        Assert.False(Vault.Holds(key with { Pkcs11 = key.Pkcs11! with { TokenLabel = "another" } }));
        Assert.False(Vault.Holds(sealedKey));
    }

    [Fact]
    public void Two_authorities_on_one_token_share_its_login_and_sessions()
    {
        var label = SoftHsm.TakeToken();
        using var both = Open(Config(label, label));

        var jwt = (Pkcs11KeyVault)both.ByAuthority[CertAuthorityType.Jwt];
        var workload = (Pkcs11KeyVault)both.ByAuthority[CertAuthorityType.Workload];

        Assert.Same(jwt.Token, workload.Token);
        Assert.Same(jwt.Token.Module.Library, Vault.Token.Module.Library);
        var key = workload.Generate(CertAuthorityType.Workload, SigningAlgorithm.ES256, Now);
        Assert.Equal($"postern-workload-{key.Kid}", key.Pkcs11!.Label);
        Assert.Equal(key.Kid, jwt.Open(CertAuthorityType.Workload, key).KeyId);
    }

    private List<IObjectAttribute> PrivateKeyAttributes(AuthorityKey key, List<CKA> wanted) =>
        Vault.Token.Run((Id: Convert.FromHexString(key.Pkcs11!.Id), Wanted: wanted), static (session, s) =>
        {
            var attributes = session.Factories.ObjectAttributeFactory;
            var handle = Assert.Single(session.FindAllObjects([attributes.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), attributes.Create(CKA.CKA_ID, s.Id)]));
            return session.GetAttributeValue(handle, s.Wanted);
        });

    private static byte[] Sign(SecurityKey key, byte[] data) => key switch
    {
        RsaSecurityKey rsa => rsa.Rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        ECDsaSecurityKey ecdsa => ecdsa.ECDsa.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
        _ => throw new ArgumentException("not a signing key", nameof(key)),
    };

    /// <summary>Verifies with plain System.Security.Cryptography, from the JWK members alone.</summary>
    internal static bool Verify(IReadOnlyDictionary<string, string> jwk, byte[] data, byte[] signature)
    {
        if (jwk["kty"] == "RSA")
        {
            using var rsa = RSA.Create(new RSAParameters { Modulus = Base64Url.DecodeFromChars(jwk["n"]), Exponent = Base64Url.DecodeFromChars(jwk["e"]) });
            return rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }

        using var ecdsa = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64Url.DecodeFromChars(jwk["x"]), Y = Base64Url.DecodeFromChars(jwk["y"]) },
        });
        return ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>A token, and the vaults opened on it.</summary>
    public sealed class TokenFixture : IDisposable
    {
        public TokenFixture()
        {
            Label = SoftHsm.TakeToken();
            Vaults = Open(Config(Label));
        }

        public string Label { get; }

        internal Pkcs11KeyVaults Vaults { get; }

        public void Dispose() => Vaults.Dispose();
    }
}
