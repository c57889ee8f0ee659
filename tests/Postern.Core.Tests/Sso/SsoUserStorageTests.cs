using Postern.Identity;
using Postern.Resources;

namespace Postern.Core.Tests.Sso;

public sealed class SsoUserStorageTests
{
    [Fact]
    public void The_stored_json_keeps_the_subject_a_connectors_user_is_bound_to_and_the_rendered_yaml_does_not_show_it()
    {
        var user = new User
        {
            Name = "ann@example.com",
            Roles = ["access"],
            Connector = "corp",
            ExternalTraits = new Dictionary<string, IReadOnlyList<string>> { ["sub"] = ["00u1"] },
            ExternalSubject = new ExternalSubject("https://idp.example.com", "00u1"),
        };

        var stored = Assert.IsType<UserResource>(ResourceJson.Deserialize("user", ResourceJson.Serialize(UserResource.Of(user)))).User;
        var legacy = Assert.IsType<UserResource>(ResourceJson.Deserialize("user", ResourceJson.Serialize(UserResource.Of(user with { ExternalSubject = null })))).User;

        Assert.Equal(new ExternalSubject("https://idp.example.com", "00u1"), stored.ExternalSubject);
        Assert.Null(legacy.ExternalSubject);
        Assert.DoesNotContain("external_subject", ResourceYaml.Render(UserResource.Of(user)), StringComparison.Ordinal);
        Assert.Contains("ExternalSubject = ExternalSubject { Issuer = https://idp.example.com, Subject = 00u1 }", user.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_user_file_cannot_set_the_subject()
    {
        var parsed = ResourceYaml.Parse("kind: user\nversion: v1\nmetadata: { name: ann }\nspec: { roles: [access], external_subject: { issuer: x, subject: y } }", "u.yaml");

        Assert.Contains(parsed.Errors, e => e.Contains("spec.external_subject: unknown field", StringComparison.Ordinal));
    }
}
