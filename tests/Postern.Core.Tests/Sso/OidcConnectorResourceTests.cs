using Postern.Resources;
using Postern.Sso;

namespace Postern.Core.Tests.Sso;

public sealed class OidcConnectorResourceTests
{
    private const string Connector = """
        kind: oidc
        version: v1
        metadata: { name: okta }
        spec:
          issuer_url: https://example.okta.com
          client_id: 0oa1postern
          client_secret: { file: /etc/postern/okta.secret }
          redirect_url: https://postern.example.com:3080/v1/sso/oidc/okta/callback
          scopes: [openid, email, groups]
          username_claim: email
          prompt: select_account
          allowed_email_domains: [example.com]
          create_users: false
          display: Okta
          claims_to_roles:
            - { claim: groups, value: admins, roles: [access, editor] }
            - { claim: groups, value: "team-*", roles: [access] }
        """;

    [Fact]
    public void Reads_every_field_and_renders_a_document_that_reads_back_the_same()
    {
        var parsed = ResourceYaml.Parse(Connector, "okta.yaml");

        Assert.Empty(parsed.Errors);
        var connector = Assert.IsType<OidcConnectorResource>(Assert.Single(parsed.Resources)).Connector;
        Assert.Equal("https://example.okta.com", connector.IssuerUrl.OriginalString);
        Assert.Equal("/etc/postern/okta.secret", connector.ClientSecret.File);
        Assert.Equal(["openid", "email", "groups"], connector.Scopes);
        Assert.Equal("select_account", connector.Prompt);
        Assert.Equal(2, connector.ClaimsToRoles.Count);
        Assert.Equal(["access", "editor"], connector.ClaimsToRoles[0].Roles);
        Assert.False(connector.CreateUsers);

        var rendered = ResourceYaml.Render(parsed.Resources[0]);
        var again = ResourceYaml.Parse(rendered, "rendered");
        Assert.Empty(again.Errors);
        Assert.Equal(rendered, ResourceYaml.Render(again.Resources[0]));
        Assert.Contains("file: /etc/postern/okta.secret", rendered, StringComparison.Ordinal);
        Assert.Contains("create_users: false", rendered, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_scopes_and_the_user_name_claim_and_leaves_the_redirect_url_to_the_public_address()
    {
        var parsed = ResourceYaml.Parse("""
            kind: oidc
            version: v1
            metadata: { name: google }
            spec:
              issuer_url: https://accounts.google.com
              client_id: id
              client_secret: { env: GOOGLE_SECRET }
              claims_to_roles: [{ claim: hd, value: example.com, roles: [access] }]
            """, "g.yaml");

        var connector = Assert.IsType<OidcConnectorResource>(Assert.Single(parsed.Resources)).Connector;
        Assert.Equal(["openid", "email", "profile"], connector.Scopes);
        Assert.Equal("email", connector.UsernameClaim);
        Assert.True(connector.CreateUsers);
        Assert.Null(connector.RedirectUrl);
        Assert.Equal("GOOGLE_SECRET", connector.ClientSecret.EnvironmentVariable);
    }

    [Theory]
    [InlineData("client_secret: s3cret", "spec.client_secret: a secret is never written into a resource")]
    [InlineData("client_secret: { file: relative/path }", "spec.client_secret.file: 'relative/path' is not an absolute path")]
    [InlineData("client_secret: { file: /a, env: B }", "spec.client_secret: give exactly one of file and env")]
    [InlineData("issuer_url: http://idp.example.com", "spec.issuer_url: 'http://idp.example.com' is not https://")]
    [InlineData("issuer_url: not a url", "spec.issuer_url: 'not a url' is not an absolute https:// URL")]
    [InlineData("redirect_url: https://postern.example.com/elsewhere", "spec.redirect_url: the path must be /v1/sso/oidc/okta/callback")]
    [InlineData("scopes: [email]", "spec.scopes: must include openid")]
    [InlineData("prompt: always", "spec.prompt: unknown prompt 'always'")]
    [InlineData("allowed_email_domains: ['not a domain']", "spec.allowed_email_domains: 'not a domain' is not a domain name")]
    [InlineData("claims_to_roles: []", "spec.claims_to_roles: required")]
    [InlineData("claims_to_roles: [{ claim: groups, roles: [access] }]", "spec.claims_to_roles[0].value: required")]
    [InlineData("claims_to_roles: [{ claim: groups, value: x, roles: ['bad role'] }]", "spec.claims_to_roles[0].roles: 'bad role' is not a valid role name")]
    [InlineData("client_id: ''", "spec.client_id: expected a client id")]
    [InlineData("create_users: sometimes", "spec.create_users: expected true or false, found 'sometimes'")]
    [InlineData("colour: blue", "spec.colour: unknown field")]
    public void Refuses_a_malformed_connector_naming_the_field(string line, string expected)
    {
        var key = line[..line.IndexOf(':', StringComparison.Ordinal)];
        var lines = Connector.Split('\n').Where(l => !l.TrimStart().StartsWith(key + ":", StringComparison.Ordinal)).ToList();
        if (key == "claims_to_roles")
        {
            lines = [.. lines.Where(l => !l.TrimStart().StartsWith("- {", StringComparison.Ordinal))];
        }

        var yaml = string.Join('\n', lines) + "\n  " + line + "\n";

        var parsed = ResourceYaml.Parse(yaml, "okta.yaml");

        Assert.Empty(parsed.Resources);
        Assert.Contains(parsed.Errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_client_secret_is_read_from_its_file_or_variable_and_an_unreadable_one_says_where_it_looked()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, "from-file\n");
        try
        {
            Assert.True(ClientSecretSource.FromFile(path).TryRead(_ => null, out var fromFile, out _));
            Assert.Equal("from-file", fromFile);
            Assert.True(ClientSecretSource.FromEnvironment("S").TryRead(n => n == "S" ? "from-env" : null, out var fromEnv, out _));
            Assert.Equal("from-env", fromEnv);
            Assert.False(ClientSecretSource.FromEnvironment("MISSING").TryRead(_ => null, out _, out var error));
            Assert.Contains("MISSING", error, StringComparison.Ordinal);
            Assert.False(ClientSecretSource.FromFile(path + ".gone").TryRead(_ => null, out _, out error));
            Assert.Contains(path + ".gone", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
