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

    public static TheoryData<string, string?, string[]?> Mappings => new()
    {
        { """{"email":"Ann@Example.com","groups":["admins","team-web"]}""", null, ["admin", "access"] },
        { """{"email":"ann@example.com","groups":["team-ops"]}""", null, ["access"] },
        { """{"email":"ann@example.com","hd":"example.com"}""", null, ["staff"] },
        { """{"email":"ann@example.com","groups":["visitors","Admins"]}""", "no_role", null },
        { """{"groups":["admins"]}""", "no_username", null },
        { """{"email":["a@example.com","b@example.com"],"groups":["admins"]}""", "no_username", null },
        { """{"email":"ann smith","groups":["admins"]}""", "bad_username", null },
    };

    [Theory]
    [MemberData(nameof(Mappings))]
    public void Claims_map_to_a_user_and_roles_or_to_a_refusal_with_a_stable_code(string claims, string? error, string[]? roles)
    {
        var result = ExternalClaims.Map(Connector, ExternalClaims.ToTraits(Claims(claims)));

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
    [InlineData("""{"email":"ann@EXAMPLE.com","groups":["admins"]}""", null)]
    [InlineData("""{"email":"ann@evil.example","email_verified":true,"groups":["admins"]}""", "email_domain")]
    [InlineData("""{"email":"ann@example.com","email_verified":false,"groups":["admins"]}""", "email_domain")]
    [InlineData("""{"sub":"ann@example.com","groups":["admins"]}""", "email_domain")]
    public void Allowed_email_domains_admit_only_verified_addresses_in_them(string claims, string? error)
    {
        var connector = Connector with { AllowedEmailDomains = ["example.com"], UsernameClaim = claims.Contains("\"sub\"", StringComparison.Ordinal) ? "sub" : "email" };

        Assert.Equal(error, ExternalClaims.Map(connector, ExternalClaims.ToTraits(Claims(claims))).ErrorCode);
    }
}
