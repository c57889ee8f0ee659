using System.Text;
using System.Text.Json;
using Postern.Agent.Bundles;

namespace Postern.Agent.Tests.Bundles;

public sealed class JwtBundleTests
{
    private const string ServerKeySet = """
        {"keys":[
          {"kty":"RSA","n":"sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw","e":"AQAB","alg":"RS256","use":"sig","kid":"rsa-1"},
          {"kty":"RSA","n":"sXch","e":"AQAB","alg":"RS256","use":"enc","kid":"for-encryption"},
          {"kty":"RSA","n":"sXch","e":"AQAB","alg":"RS256","use":"sig"},
          {"kty":"oct","k":"c2VjcmV0","kid":"symmetric"}
        ]}
        """;

    [Fact]
    public void The_SPIFFE_bundle_keeps_the_signing_keys_with_their_kid_and_use_jwt_svid()
    {
        Assert.True(JwtBundle.TryCreate("example.com", Encoding.UTF8.GetBytes(ServerKeySet), "\"e1\"", out var bundle, out var error), error);

        Assert.Equal("spiffe://example.com", bundle.TrustDomainId);
        Assert.Equal("\"e1\"", bundle.ETag);
        var key = Assert.Single(JsonDocument.Parse(bundle.SpiffeJson).RootElement.GetProperty("keys").EnumerateArray());
        Assert.Equal("jwt-svid", key.GetProperty("use").GetString());
        Assert.Equal("rsa-1", key.GetProperty("kid").GetString());
        Assert.Equal("RSA", key.GetProperty("kty").GetString());
        Assert.Equal("AQAB", key.GetProperty("e").GetString());
        Assert.Equal(["rsa-1"], bundle.Keys.KeyIds);
    }

    /// <summary>What is a key set is Postern.Verification's <c>KeySet</c> to say (its tests hold the table); a refusal reaches the agent.</summary>
    [Fact]
    public void A_bundle_is_not_made_from_a_document_that_is_not_a_key_set()
    {
        var made = JwtBundle.TryCreate("example.com", "{\"keys\":{}}"u8.ToArray(), null, out var bundle, out var error);

        Assert.False(made);
        Assert.Null(bundle);
        Assert.Contains("\"keys\"", error, StringComparison.Ordinal);
    }
}
