using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Postern.Authority;
using Postern.Authority.Pkcs11;
using Postern.Configuration;
using Postern.Testing;

namespace Postern.Server.Tests.Pkcs11;

/// <summary>A SoftHSM2 token for a server test: the configuration that names it, and a look inside it.</summary>
internal sealed class HsmToken
{
    public const string PinEnv = "POSTERN_HSM_PIN";

    public string Label { get; } = SoftHsm.TakeToken();

    /// <summary>The <c>authorities</c> section that keeps both authorities' keys in this token (one line, for <see cref="TestPostern"/>).</summary>
    public string Yaml(string jwtAlg = SigningAlgorithm.ES256, string workloadAlg = SigningAlgorithm.RS256, string? module = null, string? label = null) =>
        $"authorities: {{ jwt: {{ keys: {{ algorithm: {jwtAlg}, pkcs11: {Section(module, label)} }} }}, workload: {{ keys: {{ algorithm: {workloadAlg}, pkcs11: {Section(module, label)} }} }} }}";

    /// <summary>An environment with <see cref="PinEnv"/> set to <paramref name="pin"/>.</summary>
    public static Func<string, string?> Environment(string? pin = SoftHsm.UserPin) => name => name == PinEnv ? pin : null;

    /// <summary>The JWK members of the public key object that <paramref name="key"/> names, read from the token.</summary>
    public Dictionary<string, string> PublicJwk(AuthorityKey key) =>
        Use(token => token.Run((Id: Convert.FromHexString(key.Pkcs11!.Id), key.Alg), static (session, s) =>
            Pkcs11PublicKey.ReadJwk(session, Assert.Single(Find(session, CKO.CKO_PUBLIC_KEY, s.Id)), s.Alg)));

    /// <summary>Deletes both objects of <paramref name="key"/> from the token.</summary>
    public void Destroy(AuthorityKey key) =>
        Use(token => token.RunReadWrite(session =>
        {
            var id = Convert.FromHexString(key.Pkcs11!.Id);
            var objects = Find(session, CKO.CKO_PRIVATE_KEY, id).Concat(Find(session, CKO.CKO_PUBLIC_KEY, id)).ToList();
            Assert.Equal(2, objects.Count);
            objects.ForEach(session.DestroyObject);
            return objects.Count;
        }));

    private T Use<T>(Func<Pkcs11Token, T> look)
    {
        var section = new Pkcs11Config { Module = SoftHsm.Module, TokenLabel = Label, PinEnv = PinEnv };
        using var vaults = Pkcs11KeyVaults.Open(new AuthoritiesConfig { Jwt = new AuthorityConfig { Pkcs11 = section } }, Environment());
        return look(((Pkcs11KeyVault)vaults.ByAuthority[CertAuthorityType.Jwt]).Token);
    }

    private static List<IObjectHandle> Find(ISession session, CKO kind, byte[] id)
    {
        var attributes = session.Factories.ObjectAttributeFactory;
        return session.FindAllObjects([attributes.Create(CKA.CKA_CLASS, kind), attributes.Create(CKA.CKA_ID, id)]);
    }

    private string Section(string? module, string? label) =>
        $"{{ module: '{module ?? SoftHsm.Module}', token_label: '{label ?? Label}', pin_env: {PinEnv} }}";
}
