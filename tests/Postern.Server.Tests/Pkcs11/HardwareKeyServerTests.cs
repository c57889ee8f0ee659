using System.Buffers.Text;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Postern.Audit;
using Postern.Authority;
using Postern.Server.Tests.WorkloadIdentity;
using Postern.Storage.Sqlite;
using Postern.Testing;
using Postern.WorkloadIdentity;
using Postern.WorkloadIdentity.Api;

namespace Postern.Server.Tests.Pkcs11;

/// <summary>A real server whose authorities keep their keys in a SoftHSM2 token.</summary>
public sealed class HardwareKeyServerTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly HsmToken _token = new();

    public void Dispose() => _dir.Dispose();

    private Task<TestPostern> StartAsync() => TestPostern.StartAsync(_dir.Path, _token.Yaml(), HsmToken.Environment());

    [Fact]
    public async Task Both_authorities_sign_with_keys_made_in_the_token_that_the_key_sets_publish_and_a_restart_keeps()
    {
        (string Jwt, string Workload) kids;
        await using (var server = await StartAsync())
        {
            var jwtKey = Assert.Single(server.Host.Authorities.Get(CertAuthorityType.Jwt).Document.Keys);
            var workloadKey = Assert.Single(server.Host.Authorities.Get(CertAuthorityType.Workload).Document.Keys);
            Assert.Equal((SigningAlgorithm.ES256, SigningAlgorithm.RS256), (jwtKey.Alg, workloadKey.Alg));
            Assert.All([jwtKey, workloadKey], key =>
            {
                Assert.Null(key.PrivateKey);
                Assert.Equal(_token.Label, key.Pkcs11?.TokenLabel);
            });

            var jwtSet = Assert.Single(await KeySetAsync(server, "/.well-known/jwks.json"));
            var workloadSet = Assert.Single(await KeySetAsync(server, WorkloadIssuer.KeySetPath));
            var tokenJwk = _token.PublicJwk(jwtKey);
            Assert.Equal(tokenJwk, Members(jwtSet, tokenJwk.Keys));
            tokenJwk = _token.PublicJwk(workloadKey);
            Assert.Equal(tokenJwk, Members(workloadSet, tokenJwk.Keys));

            var assertion = server.Host.Signer.Sign(CertAuthorityType.Jwt, new Dictionary<string, object> { ["sub"] = "alice", ["aud"] = "app" });
            Assert.True(Verifies(assertion.Value, jwtSet));
            var credential = await JoinBotAsync(server);
            var svids = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => IssueSvidAsync(server, credential)));
            Assert.All(svids, svid => Assert.True(Verifies(svid, workloadSet)));
            Assert.Equal(workloadKey.Kid, Kid(svids[0]));
            kids = (jwtKey.Kid, workloadKey.Kid);
        }

        await using var again = await StartAsync();
        Assert.Equal(kids, (again.Host.Authorities.Get(CertAuthorityType.Jwt).SigningKid, again.Host.Authorities.Get(CertAuthorityType.Workload).SigningKid));
        var after = await IssueSvidAsync(again, await JoinBotAsync(again));
        Assert.Equal(kids.Workload, Kid(after));
        Assert.True(Verifies(after, Assert.Single(await KeySetAsync(again, WorkloadIssuer.KeySetPath))));
        Assert.True(Verifies(again.Host.Signer.Sign(CertAuthorityType.Jwt, new Dictionary<string, object> { ["sub"] = "bob" }).Value, Assert.Single(await KeySetAsync(again, "/.well-known/jwks.json"))));
    }

    [Fact]
    public async Task A_rotation_makes_the_new_key_in_the_token_and_it_signs_on_after_a_restart()
    {
        string newKid;
        await using (var server = await StartAsync())
        {
            var oldKey = server.Host.Authorities.Get(CertAuthorityType.Workload).Document.Keys.Single();
            var credential = await JoinBotAsync(server);

            await RotateAsync(server, new { manual = true, phase = "init" });
            var keys = server.Host.Authorities.Get(CertAuthorityType.Workload).Document.Keys;
            Assert.Equal(2, keys.Count);
            var newKey = keys.Single(k => k.Kid != oldKey.Kid);
            Assert.Null(newKey.PrivateKey);
            Assert.Equal(_token.PublicJwk(newKey), newKey.PublicJwk);
            Assert.NotEqual(oldKey.Pkcs11!.Id, newKey.Pkcs11!.Id);
            Assert.Equal(oldKey.Kid, Kid(await IssueSvidAsync(server, credential)));

            await RotateAsync(server, new { manual = true, phase = "update_clients" });
            var svid = await IssueSvidAsync(server, credential);
            Assert.Equal(newKey.Kid, Kid(svid));
            Assert.True(Verifies(svid, (await KeySetAsync(server, WorkloadIssuer.KeySetPath)).Single(k => k.GetProperty("kid").GetString() == newKey.Kid)));

            await RotateAsync(server, new { manual = true, phase = "standby" });
            newKid = newKey.Kid;
        }

        await using var again = await StartAsync();
        var after = await IssueSvidAsync(again, await JoinBotAsync(again));
        Assert.Equal(newKid, Kid(after));
        Assert.True(Verifies(after, Assert.Single(await KeySetAsync(again, WorkloadIssuer.KeySetPath))));
    }

    [Fact]
    public async Task The_store_holds_no_private_key_material_of_either_authority()
    {
        await using (var server = await StartAsync())
        {
            await IssueSvidAsync(server, await JoinBotAsync(server));

            // While it runs, the latest writes are in postern.db-wal.
            Assert.Empty(StoreScan.PrivateKeyMaterial(_dir.Path));
        }

        Assert.Empty(StoreScan.PrivateKeyMaterial(_dir.Path));

        // The audit key is on the token too, and signed the checkpoint sealed at shutdown.
        await using var store = await SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = _dir.File("postern.db") }, CancellationToken.None);
        var audit = (await new CertAuthorityStore(store, TimeProvider.System).ReadAsync(CertAuthorityType.Audit, CancellationToken.None))?.Document;
        Assert.NotNull(audit);
        Assert.All(audit.Keys, k => Assert.Null(k.PrivateKey));
        var verification = await AuditVerifier.VerifyAsync(store, audit.Keys, null, CancellationToken.None);
        Assert.True(verification.Verified, string.Join("; ", verification.Findings));
        Assert.True(verification.Checkpoints > 0, "no checkpoint was sealed at shutdown");
    }

    [Fact]
    public async Task The_x509_authority_keeps_its_CA_key_on_the_workload_authoritys_token_and_signs_SVIDs_with_it()
    {
        await using var server = await StartAsync();
        var x509 = server.Host.Authorities.Get(CertAuthorityType.X509);
        var key = Assert.Single(x509.Document.Keys);
        Assert.Null(key.PrivateKey);
        Assert.Equal(_token.Label, key.Pkcs11?.TokenLabel);

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = Convert.ToBase64String(new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=x", leafKey, HashAlgorithmName.SHA256).CreateSigningRequest());
        var (status, svid) = await new WorkloadClient(server).IssueX509Async(await JoinBotAsync(server), new X509SvidRequest(csr, Workload: WorkloadClient.Unix(1000)));
        Assert.Equal(System.Net.HttpStatusCode.OK, status);
        var leaf = Openssl.WritePem(_dir.File("leaf.pem"), [Convert.FromBase64String(svid.GetProperty("certificates")[0].GetString()!)]);
        var bundle = Openssl.WritePem(_dir.File("bundle.pem"), [x509.SigningCertificate!.RawData]);
        var (exit, output, errors) = await Openssl.RunAsync("verify", "-CAfile", bundle, leaf);
        Assert.True(exit == 0, output + errors);
    }

    [Fact]
    public async Task The_store_scan_finds_keys_sealed_in_the_store_and_PKCS8_in_any_encoding()
    {
        await using (await TestPostern.StartAsync(_dir.Path))
        {
        }

        Assert.Contains("a sealed private_key", StoreScan.PrivateKeyMaterial(_dir.Path));
        using var rsa = RSA.Create(2048);
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        foreach (var (pkcs8, expected) in new[] { (rsa.ExportPkcs8PrivateKey(), "PKCS#8 RSA"), (ecdsa.ExportPkcs8PrivateKey(), "PKCS#8 EC P-256") })
        {
            for (var shift = 0; shift < 3; shift++)
            {
                var content = new byte[shift].Concat(pkcs8).ToArray();
                Assert.Contains(expected + " (DER)", StoreScan.PrivateKeyMaterial(content));
                Assert.Contains(expected + " (base64)", StoreScan.PrivateKeyMaterial(Encoding.ASCII.GetBytes(Convert.ToBase64String(content))));
                Assert.Contains(expected + " (base64url)", StoreScan.PrivateKeyMaterial(Encoding.ASCII.GetBytes(Base64Url.EncodeToString(content))));
            }
        }
    }

    private static async Task RotateAsync(TestPostern server, object body)
    {
        using var response = await new AdminApi(server).SendAsync(HttpMethod.Post, "authorities/workload/rotate", JsonContent.Create(body));
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<string> JoinBotAsync(TestPostern server)
    {
        await new AdminApi(server).CreateAsync(WorkloadClient.Policy);
        return await new WorkloadClient(server).JoinNewBotAsync("hsm-" + Guid.NewGuid().ToString("N")[..8]);
    }

    private static async Task<string> IssueSvidAsync(TestPostern server, string credential) =>
        (await new WorkloadClient(server).IssueOneAsync(credential, new JwtSvidRequest(["db"], Workload: WorkloadClient.Unix(1000))))
            .GetProperty("jwt_svid").GetString()!;

    private static async Task<List<JsonElement>> KeySetAsync(TestPostern server, string path) =>
        [.. JsonDocument.Parse(await server.Http.GetStringAsync(server.BaseUrl + path)).RootElement.GetProperty("keys").Clone().EnumerateArray()];

    private static Dictionary<string, string> Members(JsonElement jwk, IEnumerable<string> names) => names.ToDictionary(n => n, n => jwk.GetProperty(n).GetString()!);

    private static string Kid(string jwt) => JsonDocument.Parse(Base64Url.DecodeFromChars(jwt.Split('.')[0])).RootElement.GetProperty("kid").GetString()!;

    /// <summary>Checks a compact JWT's signature with plain System.Security.Cryptography, from the published JWK.</summary>
    private static bool Verifies(string jwt, JsonElement jwk)
    {
        var parts = jwt.Split('.');
        var input = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        var signature = Base64Url.DecodeFromChars(parts[2]);
        byte[] Member(string name) => Base64Url.DecodeFromChars(jwk.GetProperty(name).GetString());
        if (jwk.GetProperty("kty").GetString() == "RSA")
        {
            using var rsa = RSA.Create(new RSAParameters { Modulus = Member("n"), Exponent = Member("e") });
            return rsa.VerifyData(input, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }

        using var ecdsa = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = Member("x"), Y = Member("y") } });
        return ecdsa.VerifyData(input, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }
}
