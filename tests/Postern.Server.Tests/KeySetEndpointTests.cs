using System.Net;
using System.Text.Json;
using Postern.Authority;
using Postern.Server.Tests.Infrastructure;

namespace Postern.Server.Tests;

public sealed class KeySetEndpointTests : RunningServerTests
{
    [Theory]
    [InlineData("/.well-known/jwks.json", CertAuthorityType.Jwt)]
    [InlineData("/workload-identity/jwt-jwks.json", CertAuthorityType.Workload)]
    public async Task Each_key_set_serves_its_own_authoritys_key_with_cache_headers(string path, CertAuthorityType type)
    {
        using var response = await Server.Http.GetAsync(Server.BaseUrl + path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(60), response.Headers.CacheControl!.MaxAge);
        Assert.True(response.Headers.CacheControl.Public);
        Assert.NotNull(response.Headers.ETag);
        var key = Assert.Single(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("keys").EnumerateArray());
        Assert.Equal(Server.Host.Authorities.Get(type).SigningKid, key.GetProperty("kid").GetString());
        Assert.Equal("RSA", key.GetProperty("kty").GetString());
        Assert.Equal("RS256", key.GetProperty("alg").GetString());
        Assert.Equal("sig", key.GetProperty("use").GetString());
    }

    [Fact]
    public void The_two_authorities_have_different_keys() =>
        Assert.NotEqual(Server.Host.Authorities.Get(CertAuthorityType.Jwt).SigningKid, Server.Host.Authorities.Get(CertAuthorityType.Workload).SigningKid);

    [Theory]
    [InlineData("/.well-known/jwks.json")]
    [InlineData("/workload-identity/jwt-jwks.json")]
    [InlineData("/workload-identity/.well-known/openid-configuration")]
    public async Task A_matching_If_None_Match_gets_304_and_another_gets_the_document(string path)
    {
        using var first = await Server.Http.GetAsync(Server.BaseUrl + path);
        var etag = first.Headers.ETag!.Tag;

        foreach (var (ifNoneMatch, expected) in new[]
        {
            (etag, HttpStatusCode.NotModified),
            ("W/" + etag, HttpStatusCode.NotModified),
            ("\"other\", " + etag, HttpStatusCode.NotModified),
            ("*", HttpStatusCode.NotModified),
            ("\"other\"", HttpStatusCode.OK),
        })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Server.BaseUrl + path);
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
            using var response = await Server.Http.SendAsync(request);

            Assert.Equal(expected, response.StatusCode);
            Assert.Equal(etag, response.Headers.ETag!.Tag);
            Assert.Equal(expected == HttpStatusCode.OK ? first.Content.Headers.ContentLength : 0, (await response.Content.ReadAsByteArrayAsync()).Length);
        }
    }

    [Fact]
    public async Task The_discovery_document_has_the_fields_and_values_of_the_spec()
    {
        var text = await Server.Http.GetStringAsync(Server.BaseUrl + "/workload-identity/.well-known/openid-configuration");
        var doc = JsonDocument.Parse(text).RootElement;
        var publicAddr = Server.Host.PublicAddr.Text;

        Assert.Equal(publicAddr + "/workload-identity", doc.GetProperty("issuer").GetString());
        Assert.Contains("\"issuer\":\"" + publicAddr + "/workload-identity\"", text, StringComparison.Ordinal);
        Assert.Equal(publicAddr + "/workload-identity/jwt-jwks.json", doc.GetProperty("jwks_uri").GetString());
        Assert.Equal(["iss", "sub", "jti", "aud", "exp", "iat"], Strings(doc, "claims_supported"));
        Assert.Equal(["RS256"], Strings(doc, "id_token_signing_alg_values_supported"));
        Assert.Equal(["id_token"], Strings(doc, "response_types_supported"));
        Assert.Equal(["public"], Strings(doc, "subject_types_supported"));
    }

    [Fact]
    public async Task Health_and_readiness_answer()
    {
        using var health = await Server.Http.GetAsync(Server.BaseUrl + "/healthz");
        using var ready = await Server.Http.GetAsync(Server.BaseUrl + "/readyz");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready", JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_unknown_path_is_404()
    {
        using var response = await Server.Http.GetAsync(Server.BaseUrl + "/.well-known/jwks.json.bak");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static string[] Strings(JsonElement doc, string name) =>
        doc.GetProperty(name).EnumerateArray().Select(e => e.GetString()!).ToArray();
}
