using Postern.Authority;
using Postern.Server.Tests.Infrastructure;
using Postern.Testing;

namespace Postern.Server.Tests;

/// <summary>Independent, widely used clients (jose, openid-client) accept Postern's keys, tokens and discovery.</summary>
public sealed class InteropTests : RunningServerTests
{
    private Dictionary<string, object> AppClaims()
    {
        var now = DateTimeOffset.UtcNow;
        return new()
        {
            ["aud"] = "http://127.0.0.1:34679",
            ["iss"] = Server.Host.Config.ClusterName,
            ["sub"] = "alice",
            ["username"] = "alice",
            ["roles"] = new[] { "access" },
            ["traits"] = new Dictionary<string, object> { ["logins"] = new[] { "root", "ubuntu" } },
            ["nbf"] = now.AddSeconds(-10),
            ["iat"] = now,
            ["exp"] = now.AddMinutes(5),
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
    }

    [Fact]
    public async Task Jose_accepts_a_signed_token_against_the_served_key_set_and_rejects_one_changed_byte()
    {
        var token = Server.Host.Signer.Sign(CertAuthorityType.Jwt, AppClaims()).Value;
        var jwks = Server.BaseUrl + "/.well-known/jwks.json";

        var (exit, answer) = await NodeScript.RunAsync("verify-token.mjs", Server.CertificatePath, "--jwks", jwks, "--iss", "test.example.com", "--aud", "http://127.0.0.1:34679", token);

        Assert.True(exit == 0, answer.ToString());
        Assert.Equal("alice", answer.GetProperty("payload").GetProperty("username").GetString());
        Assert.Equal("ubuntu", answer.GetProperty("payload").GetProperty("traits").GetProperty("logins")[1].GetString());
        Assert.Equal(Server.Host.Authorities.Get(CertAuthorityType.Jwt).SigningKid, answer.GetProperty("header").GetProperty("kid").GetString());

        var tampered = JwtTampering.ChangeOneSignatureByte(token);
        (exit, answer) = await NodeScript.RunAsync("verify-token.mjs", Server.CertificatePath, "--jwks", jwks, tampered);

        Assert.Equal(1, exit);
        Assert.Equal("ERR_JWS_SIGNATURE_VERIFICATION_FAILED", answer.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Jose_refuses_a_token_of_one_authority_against_the_other_authoritys_key_set()
    {
        var token = Server.Host.Signer.Sign(CertAuthorityType.Jwt, AppClaims()).Value;

        var (exit, answer) = await NodeScript.RunAsync("verify-token.mjs", Server.CertificatePath, "--jwks", Server.BaseUrl + "/workload-identity/jwt-jwks.json", token);

        Assert.Equal(1, exit);
        Assert.Equal("ERR_JWKS_NO_MATCHING_KEY", answer.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("/.well-known/jwks.json")]
    [InlineData("/workload-identity/jwt-jwks.json")]
    public async Task Jose_computes_every_kid_as_the_RFC_7638_thumbprint(string path)
    {
        var (exit, answer) = await NodeScript.RunAsync("check-jwks.mjs", Server.CertificatePath, Server.BaseUrl + path);

        Assert.True(exit == 0, answer.ToString());
        Assert.Equal(1, answer.GetProperty("keys").GetArrayLength());
    }

    [Fact]
    public async Task Openid_client_accepts_the_discovery_document_and_its_jwks_uri_serves_the_workload_keys()
    {
        var issuer = Server.Host.PublicAddr.Text + "/workload-identity";
        var now = DateTimeOffset.UtcNow;
        var svid = Server.Host.Signer.Sign(CertAuthorityType.Workload, new Dictionary<string, object>
        {
            ["iss"] = issuer,
            ["sub"] = "spiffe://test.example.com/svc/web",
            ["aud"] = "api://AzureADTokenExchange",
            ["iat"] = now,
            ["exp"] = now.AddMinutes(5),
            ["jti"] = Guid.NewGuid().ToString("N"),
        }).Value;

        var (exit, answer) = await NodeScript.RunAsync("discover.mjs", Server.CertificatePath, issuer, "--aud", "api://AzureADTokenExchange", svid);

        Assert.True(exit == 0, answer.ToString());
        Assert.Equal(issuer, answer.GetProperty("metadata").GetProperty("issuer").GetString());
        Assert.Equal("spiffe://test.example.com/svc/web", answer.GetProperty("payload").GetProperty("sub").GetString());

        var appToken = Server.Host.Signer.Sign(CertAuthorityType.Jwt, new Dictionary<string, object> { ["iss"] = issuer, ["exp"] = now.AddMinutes(5) }).Value;
        (exit, answer) = await NodeScript.RunAsync("discover.mjs", Server.CertificatePath, issuer, appToken);

        Assert.Equal(1, exit);
        Assert.Equal("ERR_JWKS_NO_MATCHING_KEY", answer.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Openid_client_refuses_an_issuer_that_does_not_match_byte_for_byte()
    {
        var wrongIssuer = Server.Host.PublicAddr.Text + "/workload-identity/";

        var (exit, _) = await NodeScript.RunAsync("discover.mjs", Server.CertificatePath, wrongIssuer);

        Assert.Equal(1, exit);
    }
}
