using Postern.Configuration;

namespace Postern.Core.Tests.Configuration;

public sealed class ConfigLoaderTests
{
    private const string BaseDir = "/etc/postern";

    private static PosternConfig Parse(string yaml) => ConfigLoader.Parse(yaml, BaseDir);

    private static IReadOnlyList<string> Errors(string yaml) =>
        Assert.Throws<ConfigException>(() => Parse(yaml)).Errors.Select(e => e.ToString()).ToList();

    [Fact]
    public void An_empty_file_gives_every_default()
    {
        var config = Parse("");

        Assert.Equal("127.0.0.1:3080", config.ListenAddr.ToString());
        Assert.Equal("/etc/postern/data", config.DataDir);
        Assert.Equal(System.Net.Dns.GetHostName().ToLowerInvariant(), config.ClusterName);
        Assert.Null(config.PublicAddr);
        Assert.False(config.Tls.Disabled);
        Assert.Equal(StorageConfig.Sqlite, config.Storage.Type);
        Assert.Empty(config.Apps);
    }

    [Fact]
    public void A_full_file_is_read_field_by_field()
    {
        var config = Parse("""
            version: v1
            cluster_name: example.com
            public_addr: https://Example.com:443
            listen_addr: 0.0.0.0:443
            data_dir: /var/lib/postern
            tls:
              disabled: false
            storage:
              type: sqlite
            apps:
              - name: elasticsearch
                uri: https://localhost:4321
                public_addr: Elastic.example.com
                labels: { env: dev }
                insecure_skip_verify: true
                rewrite:
                  headers:
                    - "Authorization: Bearer {{internal.jwt}}"
                  jwt_claims: roles
                  redirect: [localhost]
            """);

        Assert.Equal("example.com", config.ClusterName);
        Assert.Equal("https://example.com", config.PublicAddr!.Text);
        Assert.Equal(443, config.ListenAddr.Port);
        Assert.Equal("/var/lib/postern", config.DataDir);
        var app = Assert.Single(config.Apps);
        Assert.Equal("elasticsearch", app.Name);
        Assert.Equal("https://localhost:4321", app.Uri.OriginalString);
        Assert.Equal("elastic.example.com", app.PublicAddr);
        Assert.Equal("dev", app.Labels["env"]);
        Assert.True(app.InsecureSkipVerify);
        Assert.Equal(["Authorization: Bearer {{internal.jwt}}"], app.Rewrite.Headers);
        Assert.Equal(JwtClaimsMode.Roles, app.Rewrite.JwtClaims);
        Assert.Equal(["localhost"], app.Rewrite.Redirect);
    }

    [Fact]
    public void Every_error_is_listed_at_once_with_its_path()
    {
        var errors = Errors("""
            cluster_nam: typo
            listen_addr: [1, 2]
            tls:
              disabled: yes
            apps:
              - name: a
                uri: http://127.0.0.1:1
                public_addr: a.localhost
              - name: b
                uri: http://127.0.0.1:2
                public_addr: b.localhost
              - name: c
                uri: not a uri
                public_addr: c.localhost
                colour: blue
            """);

        Assert.Contains("cluster_nam: unknown field (expected one of: version, cluster_name, public_addr, listen_addr, data_dir, tls, storage, app_access, workload_identity, authorities, apps, trusted_proxies, diag_addr, diag_addr_public, log, telemetry, audit)", errors);
        Assert.Contains("listen_addr: expected a string, found a list", errors);
        Assert.Contains("tls.disabled: expected true or false, found 'yes'", errors);
        Assert.Contains("apps[2].uri: 'not a uri' is not an absolute http:// or https:// URI", errors);
        Assert.Contains(errors, e => e.StartsWith("apps[2].colour: unknown field", StringComparison.Ordinal));
        Assert.Equal(5, errors.Count);
    }

    [Fact]
    public void The_audit_section_sets_retention_checkpoints_and_the_file_sink_and_refuses_what_it_cannot_use()
    {
        var config = ConfigLoader.Parse("audit:\n  retention: 30d\n  checkpoint_interval: 10s\n  file_sink: { path: /var/log/postern/audit.jsonl, max_size_mb: 10, keep: 3 }\n", "/data");
        Assert.Equal(TimeSpan.FromDays(30), config.Audit.Retention);
        Assert.Equal(TimeSpan.FromSeconds(10), config.Audit.CheckpointInterval);
        Assert.Equal(("/var/log/postern/audit.jsonl", 10L * 1024 * 1024, 3), (config.Audit.FileSink, config.Audit.FileSinkMaxBytes, config.Audit.FileSinkKeep));

        var errors = Errors("audit:\n  retention: 1h\n  file_sink: { path: audit.jsonl, keep: 0 }\n");
        Assert.Contains("audit.retention: '1h' is out of range (1d to 36500d)", errors);
        Assert.Contains("audit.file_sink.path: 'audit.jsonl' must be an absolute path", errors);
        Assert.Contains("audit.file_sink.keep: '0' is out of range (1 to 1000)", errors);
        Assert.Equal(3, errors.Count);
    }

    [Fact]
    public void The_audit_journal_defaults_to_on_for_SQLite_and_off_for_PostgreSQL_and_takes_only_a_boolean()
    {
        var sqlite = ConfigLoader.Parse("", "/data");
        Assert.True(sqlite.Audit.JournalFor(sqlite.Storage));
        var postgres = ConfigLoader.Parse("storage: { type: postgres, conn_string: 'Host=db;Database=postern' }\n", "/data");
        Assert.False(postgres.Audit.JournalFor(postgres.Storage));
        var chosen = ConfigLoader.Parse("storage: { type: postgres, conn_string: 'Host=db;Database=postern' }\naudit: { journal: true }\n", "/data");
        Assert.True(chosen.Audit.JournalFor(chosen.Storage));
        Assert.False(ConfigLoader.Parse("audit: { journal: false }\n", "/data").Audit.Journal);

        var error = Assert.Single(Errors("audit: { journal: sometimes }\n"));
        Assert.StartsWith("audit.journal:", error, StringComparison.Ordinal);
        Assert.Contains("sometimes", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("public_addr: https://example.com/", "public_addr: 'https://example.com/' must not end with a slash")]
    [InlineData("public_addr: https://example.com/path", "public_addr: 'https://example.com/path' must not have a path")]
    [InlineData("public_addr: http://example.com", "public_addr: 'http://example.com' must start with https:// (http:// only with tls.disabled)")]
    [InlineData("public_addr: example.com", "public_addr: 'example.com' not an absolute URL with a host")]
    [InlineData("public_addr: https://example.com?x=1", "public_addr: 'https://example.com?x=1' must not hold user info, a query or a fragment")]
    [InlineData("listen_addr: 127.0.0.1:99999", "listen_addr: port '99999' is not a number from 0 to 65535")]
    [InlineData("listen_addr: example.com:80", "listen_addr: host 'example.com' is not an IP address (use 0.0.0.0 to listen on every interface)")]
    [InlineData("version: v2", "version: unsupported version 'v2' (expected v1)")]
    [InlineData("storage: { type: etcd }", "storage.type: unknown type 'etcd' (expected sqlite or postgres)")]
    [InlineData("tls: { cert_file: /nonexistent/cert.pem }", "tls.key_file: required when cert_file is set")]
    [InlineData("cluster_name: 'bad name'", "cluster_name: 'bad name' is not a valid name (letters, digits, '.', '-', at most 253 characters)")]
    [InlineData("apps: [{ name: Bad_Name, uri: 'http://x', public_addr: x.localhost }]", "apps[0].name: 'Bad_Name' is not a valid name (lowercase letters, digits and '-', at most 63 characters)")]
    [InlineData("apps: [{ name: a, uri: 'ftp://x', public_addr: x.localhost }]", "apps[0].uri: 'ftp://x' is not an absolute http:// or https:// URI")]
    [InlineData("apps: [{ name: a, uri: 'http://x', public_addr: 'https://x.localhost' }]", "apps[0].public_addr: 'https://x.localhost' is not a host name with an optional port (no scheme, no path)")]
    [InlineData("apps: [{ name: a, uri: 'http://x' }]", "apps[0].public_addr: required")]
    [InlineData("apps: [{ name: a, uri: 'http://x', public_addr: x.localhost, rewrite: { jwt_claims: all } }]", "apps[0].rewrite.jwt_claims: unknown value 'all' (expected roles-and-traits, roles, traits or none)")]
    [InlineData("apps: [{ name: a, uri: 'http://x', public_addr: x.localhost, rewrite: { headers: ['no colon'] } }]", "apps[0].rewrite.headers[0]: app 'a': 'no colon' is not of the form 'Name: value'")]
    [InlineData("apps: [{ name: a, uri: 'http://x', public_addr: x.localhost }, { name: a, uri: 'http://y', public_addr: y.localhost }]", "apps[1].name: another app is already named 'a'")]
    [InlineData("apps: [{ name: a, uri: 'http://x', public_addr: x.localhost }, { name: b, uri: 'http://y', public_addr: X.localhost }]", "apps[1].public_addr: another app already uses 'X.localhost'")]
    [InlineData("apps: [{ name: a, uri: 'http://x', public_addr: x.localhost, max_header_bytes: 100 }]", "apps[0].max_header_bytes: 100 is too small: the budget for the headers sent to the app must be at least 1024 bytes")]
    [InlineData("apps: [{ name: a, uri: 'http://x', public_addr: x.localhost, rewrite: { jwt_claims: { include: all } } }]", "apps[0].rewrite.jwt_claims.include: unknown value 'all' (expected roles-and-traits, roles, traits or none)")]
    [InlineData("apps: [{ name: a, uri: 'http://x', public_addr: x.localhost, rewrite: { jwt_claims: { group_filter: x } } }]", "apps[0].rewrite.jwt_claims.group_filter: unknown field (expected one of: include, traits, groups_filter, roles_filter)")]
    [InlineData("apps: [{ name: a, uri: 'http://x', public_addr: x.localhost, doctor: { allow: maybe } }]", "apps[0].doctor.allow: expected true or false, found 'maybe'")]
    public void An_impossible_value_is_named_with_its_path(string yaml, string expected) =>
        Assert.Contains(expected, Errors(yaml));

    [Fact]
    public void A_claim_filter_that_is_not_a_regular_expression_is_named_with_its_path_and_the_reason()
    {
        var errors = Errors("apps: [{ name: a, uri: 'http://x', public_addr: x.localhost, rewrite: { jwt_claims: { roles_filter: '(team' } } }]");

        Assert.Contains(errors, e => e.StartsWith("apps[0].rewrite.jwt_claims.roles_filter: app 'a': '(team' is not a valid regular expression: ", StringComparison.Ordinal));
    }

    [Fact]
    public void Http_public_addr_is_allowed_when_tls_is_disabled()
    {
        var config = Parse("tls: { disabled: true }\npublic_addr: http://lb.example.com:80");

        Assert.Equal("http://lb.example.com", config.PublicAddr!.Text);
        Assert.Equal("http", config.Scheme);
    }

    [Fact]
    public void A_default_port_is_dropped_and_others_kept()
    {
        Assert.Equal("https://example.com", Parse("public_addr: https://example.com:443").PublicAddr!.Text);
        Assert.Equal("https://example.com:3080", Parse("public_addr: https://example.com:3080").PublicAddr!.Text);
    }

    [Fact]
    public void Broken_yaml_names_the_line()
    {
        var error = Assert.Single(Errors("cluster_name: [unclosed"));

        Assert.Contains("not valid YAML at line", error, StringComparison.Ordinal);
    }

    // Text on which YamlDotNet throws InvalidOperationException or ArgumentException rather than a YamlException
    // (found by fuzzing; fuzz/regressions/config): a configuration error, not an unhandled exception at start.
    [Theory]
    [InlineData("- [\n0")]
    [InlineData(": {\n0")]
    [InlineData("\0: 0")]
    [InlineData("? :")]
    [InlineData("...\0")]
    [InlineData("!![")]
    public void Yaml_the_reader_itself_trips_on_is_a_configuration_error(string yaml)
    {
        var error = Assert.Single(Errors(yaml));

        Assert.StartsWith("not valid YAML ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_an_error_only_when_named()
    {
        var missing = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "postern.yaml");

        Assert.Equal(3080, ConfigLoader.Load(missing, mayBeMissing: true).ListenAddr.Port);
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(missing, mayBeMissing: false));
        Assert.Equal("file not found", Assert.Single(error.Errors).Message);
    }

    [Fact]
    public void Relative_paths_are_taken_from_the_file_folder()
    {
        Assert.Equal("/etc/postern/state", Parse("data_dir: state").DataDir);
    }
}
