using System.Text.Json.Nodes;
using Postern.Verification.Tests.Infrastructure;

namespace Postern.Verification.Tests.KeySets;

public sealed class KeySetTests
{
    [Fact]
    public void Keeps_the_usable_keys_in_document_order_with_their_JWKs()
    {
        var repeated = TestKeys.Stranger.ToJwk();
        repeated["kid"] = TestKeys.Ec.KeyId;
        var document = new JsonObject
        {
            ["keys"] = new JsonArray(
                TestKeys.Rsa.ToJwk(use: "jwt-svid"),
                TestKeys.Stranger.ToJwk(use: "enc"),
                new JsonObject { ["kty"] = "oct", ["k"] = "c2VjcmV0", ["kid"] = "symmetric" },
                "not an object",
                TestKeys.Ec.ToJwk(use: null),
                repeated),
        };

        Assert.True(KeySet.TryParse(document.ToJsonString(), "the test set", out var keySet, out var error), error);

        Assert.Equal([TestKeys.Rsa.KeyId, TestKeys.Ec.KeyId], keySet.KeyIds);
        Assert.Equal("jwt-svid", keySet.Jwks[0].GetProperty("use").GetString());
        Assert.Equal("RSA", keySet.Jwks[0].GetProperty("kty").GetString());
        Assert.False(keySet.Jwks[1].TryGetProperty("use", out _));
        Assert.Equal("the test set", keySet.Description);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"keys\":{}}")]
    [InlineData("not json")]
    public void A_document_that_is_not_a_key_set_is_refused(string json)
    {
        Assert.False(KeySet.TryParse(json, "the test set", out var keySet, out var error));

        Assert.Null(keySet);
        Assert.Contains("not a JWKS", error, StringComparison.Ordinal);
    }
}
