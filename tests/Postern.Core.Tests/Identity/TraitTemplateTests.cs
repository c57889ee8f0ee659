using Postern.Identity;

namespace Postern.Core.Tests.Identity;

public sealed class TraitTemplateTests
{
    private static readonly Dictionary<string, IReadOnlyList<string>> Traits = new()
    {
        ["logins"] = ["alice", "root"],
        ["email"] = ["alice@example.com", "not-an-email"],
        ["groups"] = ["team-web", "admins", "team-ops"],
        ["empty"] = [""],
    };

    [Theory]
    [InlineData("plain text", null, new[] { "plain text" })]
    [InlineData("Bearer {{internal.jwt}}", "tok", new[] { "Bearer tok" })]
    [InlineData("{{ internal.jwt }}", "tok", new[] { "tok" })]
    [InlineData("{{internal.logins}}", null, new[] { "alice", "root" })]
    [InlineData("user-{{external.logins}}!", null, new[] { "user-alice!", "user-root!" })]
    [InlineData("{{internal.missing}}", null, new string[0])]
    [InlineData("{{internal.empty}}", null, new string[0])]
    [InlineData("{{email.local(external.email)}}", null, new[] { "alice" })]
    [InlineData("{{regexp.replace(external.groups, \"^team-(.*)$\", \"$1\")}}", null, new[] { "web", "ops" })]
    public void Expands_per_trait_value(string text, string? jwt, string[] expected)
    {
        Assert.True(TraitTemplate.TryParse(text, out var template, out var error), error);
        Assert.Equal(expected, template!.Expand(Traits, jwt));
        Assert.Equal(text, template.ToString());
    }

    [Fact]
    public void Internal_jwt_without_a_token_yields_nothing_and_is_flagged()
    {
        Assert.True(TraitTemplate.TryParse("Bearer {{internal.jwt}}", out var template, out _));
        Assert.True(template!.UsesJwt);
        Assert.False(template.IsLiteral);
        Assert.Empty(template.Expand(Traits, null));
    }

    [Theory]
    [InlineData("Bearer {{internal.jwt", "unclosed '{{' in 'Bearer {{internal.jwt'")]
    [InlineData("{{internal.a}} {{internal.b}}", "more than one '{{ }}' expression")]
    [InlineData("{{secret.logins}}", "unknown namespace 'secret'")]
    [InlineData("{{logins}}", "'logins' is not a variable")]
    [InlineData("{{ }}", "an empty '{{ }}'")]
    [InlineData("{{string.upper(internal.logins)}}", "unknown function 'string.upper'")]
    [InlineData("{{regexp.replace(internal.groups, \"(\", \"x\")}}", "bad regular expression")]
    [InlineData("{{regexp.replace(internal.groups, bare, \"x\")}}", "regexp.replace takes a variable and two quoted strings")]
    [InlineData("value}}", "'}}' without '{{'")]
    public void Refuses_a_bad_template_naming_the_problem_and_the_text(string text, string expected)
    {
        Assert.False(TraitTemplate.TryParse(text, out var template, out var error));
        Assert.Null(template);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{{internal.groups}}", new[] { "set-in-postern" })]
    [InlineData("{{external.groups}}", new[] { "from-the-provider" })]
    [InlineData("{{regexp.replace(external.groups, \"^from-(.*)$\", \"$1\")}}", new[] { "the-provider" })]
    [InlineData("{{external.logins}}", new string[0])]
    public void Internal_and_external_read_their_own_traits(string text, string[] expected)
    {
        var internalTraits = new Dictionary<string, IReadOnlyList<string>> { ["groups"] = ["set-in-postern"], ["logins"] = ["root"] };
        var externalTraits = new Dictionary<string, IReadOnlyList<string>> { ["groups"] = ["from-the-provider"] };
        Assert.True(TraitTemplate.TryParse(text, out var template, out var error), error);

        Assert.Equal(expected, template!.Expand(internalTraits, externalTraits, null));
    }
}
