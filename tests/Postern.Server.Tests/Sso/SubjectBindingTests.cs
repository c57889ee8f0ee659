using Postern.Identity;
using Postern.Server.Sso;
using Postern.Sso;

namespace Postern.Server.Tests.Sso;

/// <summary>Who may be the stored user a sign-in's claims name: one row per case, each with the refusal code (or none).</summary>
public sealed class SubjectBindingTests
{
    private const string Issuer = "https://idp.example.com";

    private static readonly OidcConnector Corp = new()
    {
        Name = "corp",
        IssuerUrl = new Uri(Issuer),
        ClientId = "postern",
        ClientSecret = ClientSecretSource.FromEnvironment("S"),
        ClaimsToRoles = [],
    };

    private static User Stored(string? connector, ExternalSubject? subject, string? keptSub = null) => new()
    {
        Name = "ann@example.com",
        Connector = connector,
        ExternalSubject = subject,
        ExternalTraits = keptSub is null ? new Dictionary<string, IReadOnlyList<string>>() : new Dictionary<string, IReadOnlyList<string>> { ["sub"] = [keptSub] },
    };

    public static TheoryData<string, User?, bool, string?> Cases => new()
    {
        { "no user yet: created", null, true, null },
        { "no user yet, create_users false", null, false, "user_unknown" },
        { "a local user of the name", Stored(null, null), true, "user_exists" },
        { "a user of another connector", Stored("other", new(Issuer, "00u1")), true, "user_exists" },
        { "bound to this subject", Stored("corp", new(Issuer, "00u1")), false, null },
        { "bound to another subject", Stored("corp", new(Issuer, "00u2")), true, "subject_mismatch" },
        { "bound to the same sub at another issuer", Stored("corp", new("https://other.example.com", "00u1")), true, "subject_mismatch" },
        { "made before binding, this sub kept", Stored("corp", null, "00u1"), true, null },
        { "made before binding, another sub kept", Stored("corp", null, "00u2"), true, "subject_mismatch" },
        { "made before binding, no sub kept", Stored("corp", null), true, "subject_mismatch" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_sign_in_by_subject_00u1_is_admitted_or_refused_with_a_stable_code(string @case, User? existing, bool createUsers, string? code)
    {
        var refusal = SubjectBinding.Refusal(Corp with { CreateUsers = createUsers }, "ann@example.com", existing, new ExternalSubject(Issuer, "00u1"));

        Assert.True(code == refusal?.Code, $"{@case}: expected {code ?? "admitted"}, got {refusal?.Code ?? "admitted"}");
        Assert.True(refusal is null || refusal.Shown == SsoFailure.Withheld, @case);
    }

    [Theory]
    [InlineData("""{"iss":"https://idp.example.com","sub":"00u1"}""", true)]
    [InlineData("""{"iss":"https://idp.example.com"}""", false)]
    [InlineData("""{"iss":"https://idp.example.com","sub":""}""", false)]
    [InlineData("""{"iss":"https://idp.example.com","sub":7}""", false)]
    public void The_subject_is_the_ID_tokens_iss_and_sub_both_strings(string idToken, bool found)
    {
        var subject = SubjectBinding.Of(System.Text.Json.JsonDocument.Parse(idToken).RootElement);

        Assert.Equal(found, subject == new ExternalSubject(Issuer, "00u1"));
    }
}
