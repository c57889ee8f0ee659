using Postern.AppAccess;

namespace Postern.Core.Tests.AppAccess;

/// <summary>A trait value cannot change the shape of a templated header.</summary>
public sealed class HeaderRenderingTests
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> None = new Dictionary<string, IReadOnlyList<string>>();

    private static RenderedHeader Render(string line, params string[] logins)
    {
        Assert.True(HeaderRewrite.TryParse(line, out var rule, out var error), error);
        return HeaderRendering.Render(rule!, new Dictionary<string, IReadOnlyList<string>> { ["logins"] = logins }, None, "a.b.c");
    }

    [Theory]
    [InlineData("comma", "admin,root", "','")]
    [InlineData("semicolon", "a; role=admin", "';'")]
    [InlineData("quote", "a\"b", "'\"'")]
    [InlineData("line feed", "a\nX-Evil: 1", "U+000A")]
    [InlineData("carriage return", "a\rb", "U+000D")]
    [InlineData("tab", "a\tb", "U+0009")]
    [InlineData("NUL", "a\0b", "U+0000")]
    [InlineData("DEL", "a\u007Fb", "U+007F")]
    public void A_trait_value_holding_a_separator_or_control_character_is_refused_with_a_reason(string row, string value, string named)
    {
        var rendered = Render("X-Logins: {{internal.logins}}", "alice", value);

        Assert.Equal("alice", rendered.Value);
        Assert.Contains(named, Assert.Single(rendered.Refusals), StringComparison.Ordinal);
        Assert.NotEmpty(row);
    }

    [Fact]
    public void A_multi_valued_trait_is_one_value_joined_with_comma_space_in_the_traits_order()
    {
        var rendered = Render("X-Logins: {{internal.logins}}", "root", "alice");

        Assert.Equal("root, alice", rendered.Value);
        Assert.Empty(rendered.Refusals);
    }

    [Fact]
    public void Separators_in_the_rules_own_text_are_the_administrators_and_stay()
    {
        var rendered = Render("Cookie: user={{internal.logins}}; lang=en", "alice");

        Assert.Equal("user=alice; lang=en", rendered.Value);
    }

    [Fact]
    public void A_cookie_pair_cannot_be_added_through_a_trait()
    {
        var rendered = Render("Cookie: user={{internal.logins}}", "alice; role=admin");

        Assert.Null(rendered.Value);
        Assert.Single(rendered.Refusals);
    }

    [Fact]
    public void Nothing_left_means_no_header()
    {
        Assert.Null(Render("X-Logins: {{internal.logins}}").Value);
        Assert.Null(Render("X-Logins: {{internal.logins}}", "a,b").Value);
    }
}
