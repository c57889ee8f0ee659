using Postern.AppAccess;
using Postern.Configuration;

namespace Postern.Core.Tests.AppAccess;

public sealed class HeaderRewriteTests
{
    [Theory]
    [InlineData("Authorization: Bearer {{internal.jwt}}", "Authorization")]
    [InlineData("X-Logins:{{internal.logins}}", "X-Logins")]
    [InlineData("Host: internal.example.com", "Host")]
    public void Parses_name_and_template(string line, string name)
    {
        Assert.True(HeaderRewrite.TryParse(line, out var rule, out var error), error);
        Assert.Equal(name, rule!.Name);
    }

    [Theory]
    [InlineData("Teleport-Jwt-Assertion: x")]
    [InlineData("teleport-jwt-assertion: x")]
    [InlineData("X-Forwarded-For: 1.2.3.4")]
    [InlineData("X-Forwarded-Proto: http")]
    [InlineData("X-Real-Ip: 1.2.3.4")]
    [InlineData("X-Postern-User: x")]
    [InlineData("Connection: close")]
    [InlineData("Transfer-Encoding: chunked")]
    [InlineData("Content-Length: 1")]
    [InlineData("TE: trailers")]
    public void Reserved_names_are_refused(string line)
    {
        Assert.False(HeaderRewrite.TryParse(line, out _, out var error));
        Assert.Contains("is reserved", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bad Name: x", "is not of the form 'Name: value'")]
    [InlineData("no colon", "is not of the form 'Name: value'")]
    [InlineData("X-A: {{internal.logins", "unclosed '{{'")]
    public void Malformed_lines_are_refused_with_the_text(string line, string expected)
    {
        Assert.False(HeaderRewrite.TryParse(line, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Contains(line, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Values_with_control_characters_are_never_joined()
    {
        Assert.True(HeaderRewrite.IsSafeValue("a\tb"));
        Assert.False(HeaderRewrite.IsSafeValue("a\r\nX-Evil: 1"));
        Assert.False(HeaderRewrite.IsSafeValue("a\0"));
        Assert.False(HeaderRewrite.IsSafeValue("a\u007f"));
        Assert.Equal("alice, root", HeaderRewrite.Join(["alice", "", "evil\nx", "root"]));
        Assert.Null(HeaderRewrite.Join(["", "bad\r"]));
    }

    [Theory]
    [InlineData("Authorization: Bearer {{internal.jwt", "apps[0].rewrite.headers[0]: app 'whoami': bad template in 'Authorization: Bearer {{internal.jwt': unclosed '{{' in 'Bearer {{internal.jwt'")]
    [InlineData("Teleport-Jwt-Assertion: forged", "apps[0].rewrite.headers[0]: app 'whoami': 'Teleport-Jwt-Assertion: forged': the header 'Teleport-Jwt-Assertion' is reserved")]
    public void A_bad_rule_stops_the_configuration_naming_the_app_and_the_text(string line, string expected)
    {
        var yaml = $"apps: [{{ name: whoami, uri: 'http://127.0.0.1:8081', public_addr: whoami.localhost, rewrite: {{ headers: ['{line}'] }} }}]";
        var errors = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, "/etc/postern")).Errors.Select(e => e.ToString());
        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Good_rules_are_parsed_once_at_load()
    {
        var config = ConfigLoader.Parse("apps: [{ name: whoami, uri: 'http://127.0.0.1:8081', public_addr: whoami.localhost, rewrite: { headers: ['Authorization: Bearer {{internal.jwt}}', 'X-Logins: {{internal.logins}}'] } }]", "/etc/postern");
        var rules = config.Apps[0].Rewrite.HeaderRules;
        Assert.Equal(["Authorization", "X-Logins"], rules.Select(r => r.Name));
        Assert.True(rules[0].Value.UsesJwt);
    }
}
