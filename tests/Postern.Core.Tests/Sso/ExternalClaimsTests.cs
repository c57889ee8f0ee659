using System.Text.Json;
using Postern.Sso;

namespace Postern.Core.Tests.Sso;

public sealed class ExternalClaimsTests
{
    private static readonly OidcConnector Connector = new()
    {
        Name = "idp",
        IssuerUrl = new Uri("https://idp.example.com"),
        ClientId = "postern",
        ClientSecret = ClientSecretSource.FromEnvironment("S"),
        ClaimsToRoles =
        [
            new ClaimMapping { Claim = "groups", Value = "admins", Roles = ["admin", "access"] },
            new ClaimMapping { Claim = "groups", Value = "team-*", Roles = ["access"] },
            new ClaimMapping { Claim = "hd", Value = "example.com", Roles = ["staff"] },
        ],
    };

    private static IEnumerable<KeyValuePair<string, JsonElement>> Claims(string json) =>
        JsonDocument.Parse(json).RootElement.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.Clone()));

    [Fact]
    public void Arrays_stay_arrays_strings_become_one_element_lists_and_the_protocols_own_claims_are_left_out()
    {
        var traits = ExternalClaims.ToTraits(
            Claims("""{"iss":"https://idp","aud":"postern","exp":1,"nonce":"n","sub":"42","email":"A@Example.com","groups":["a","b",7,{"x":1}],"email_verified":true,"address":{"c":"d"}}"""),
            Claims("""{"groups":["c"],"name":"Ann"}"""));

        Assert.Equal(["sub", "email", "groups", "email_verified", "name"], traits.Keys);
        Assert.Equal(["A@Example.com"], traits["email"]);
        Assert.Equal(["c"], traits["groups"]);
        Assert.Equal(["true"], traits["email_verified"]);
        Assert.Equal(["a", "b", "7"], ExternalClaims.ToTraits(Claims("""{"groups":["a","b",7,{"x":1}]}"""))["groups"]);
    }

    private static ExternalIdentityResult Map(OidcConnector connector, string claims) =>
        ExternalClaims.Map(connector, ExternalClaims.ToTraits(Claims(claims)), ExternalClaims.EmailVerified(Claims(claims)));

    public static TheoryData<string, string?, string[]?> Mappings => new()
    {
        { """{"email":"Ann@Example.com","email_verified":true,"groups":["admins","team-web"]}""", null, ["admin", "access"] },
        { """{"email":"ann@example.com","email_verified":true,"groups":["team-ops"]}""", null, ["access"] },
        { """{"email":"ann@example.com","email_verified":true,"hd":"example.com"}""", null, ["staff"] },
        { """{"email":"ann@example.com","email_verified":true,"groups":["visitors","Admins"]}""", "no_role", null },
        { """{"email":"ann@example.com","groups":["admins"]}""", "email_unverified", null },
        { """{"email":"ann@example.com","email_verified":false,"groups":["admins"]}""", "email_unverified", null },
        { """{"email":"ann@example.com","email_verified":"true","groups":["admins"]}""", "email_unverified", null },
        { """{"groups":["admins"]}""", "no_username", null },
        { """{"email":["a@example.com","b@example.com"],"groups":["admins"]}""", "no_username", null },
        { """{"email":"ann smith","groups":["admins"]}""", "bad_username", null },
    };

    [Theory]
    [MemberData(nameof(Mappings))]
    public void Claims_map_to_a_user_and_roles_or_to_a_refusal_with_a_stable_code(string claims, string? error, string[]? roles)
    {
        var result = Map(Connector, claims);

        Assert.Equal(error, result.ErrorCode);
        if (roles is not null)
        {
            Assert.Equal("ann@example.com", result.Identity!.UserName);
            Assert.Equal(roles, result.Identity.Roles);
        }
        else
        {
            Assert.Null(result.Identity);
            Assert.False(string.IsNullOrEmpty(result.Error));
        }
    }

    [Theory]
    [InlineData("""{"email":"ann@example.com","email_verified":true,"groups":["admins"]}""", null)]
    [InlineData("""{"email":"ann@EXAMPLE.com","email_verified":true,"groups":["admins"]}""", null)]
    [InlineData("""{"sub":"ann@example.com","email":"ann@example.com","groups":["admins"]}""", "email_domain")]
    [InlineData("""{"email":"ann@evil.example","email_verified":true,"groups":["admins"]}""", "email_domain")]
    [InlineData("""{"email":"ann@example.com","email_verified":false,"groups":["admins"]}""", "email_unverified")]
    [InlineData("""{"sub":"ann@example.com","groups":["admins"]}""", "email_domain")]
    [InlineData("""{"sub":"ann@example.com","email":"ann@example.com","email_verified":true,"groups":["admins"]}""", null)]
    public void Allowed_email_domains_admit_only_verified_addresses_in_them(string claims, string? error)
    {
        var connector = Connector with { AllowedEmailDomains = ["example.com"], UsernameClaim = claims.Contains("\"sub\"", StringComparison.Ordinal) ? "sub" : "email" };

        Assert.Equal(error, Map(connector, claims).ErrorCode);
    }

    // The address is verified only when the claim set that gives it says "email_verified": true (a JSON boolean);
    // a later set (userinfo) that gives another address, or says anything but true, takes the verification back.
    [Theory]
    [InlineData("""{"email":"a@example.com","email_verified":true}""", """{"groups":["devs"]}""", true)]
    [InlineData("""{"email":"a@example.com"}""", """{"email":"a@example.com","email_verified":true}""", true)]
    [InlineData("""{"email":"a@example.com","email_verified":true}""", """{"email":"b@example.com"}""", false)]
    [InlineData("""{"email":"a@example.com","email_verified":true}""", """{"email_verified":false}""", false)]
    [InlineData("""{"email":"a@example.com","email_verified":true}""", """{"email_verified":"true"}""", false)]
    [InlineData("""{"email":"a@example.com","email_verified":"true"}""", """{}""", false)]
    [InlineData("""{"email":"a@example.com","email_verified":1}""", """{}""", false)]
    [InlineData("""{"email_verified":true}""", """{}""", false)]
    public void An_email_address_is_verified_only_by_a_boolean_true_from_the_claim_set_that_gives_it(string idToken, string userInfo, bool verified) =>
        Assert.Equal(verified, ExternalClaims.EmailVerified(Claims(idToken), Claims(userInfo)));
}
