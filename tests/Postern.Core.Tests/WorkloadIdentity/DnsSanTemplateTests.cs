using Postern.Identity;
using Postern.Resources;
using Postern.WorkloadIdentity;

namespace Postern.Core.Tests.WorkloadIdentity;

/// <summary><c>spec.x509.dns_sans</c>: DNS name templates checked when read, rendered per caller, refused when the result is not a DNS name.</summary>
public sealed class DnsSanTemplateTests
{
    private static readonly WorkloadCaller Ci = new()
    {
        Kind = WorkloadCallerKind.Bot,
        Name = "ci",
        JoinLabels = new Dictionary<string, string> { ["env"] = "prod", ["evil"] = "a.*.example.com", ["long"] = new string('a', 64) },
        Unix = new UnixAttributes(1000, 100, 42, "/usr/local/bin/api"),
    };

    private static string Yaml(string sans) => $$"""
        kind: workload_identity
        version: v1
        metadata: { name: web }
        spec:
          spiffe: { id: "/web" }
          x509: { dns_sans: {{sans}} }
        """;

    private static IReadOnlyList<string> Errors(string yaml) => [.. ResourceYaml.Parse(yaml, "test.yaml").Errors.Select(e => e.ToString())];

    private static WorkloadIdentityPolicy Read(string yaml)
    {
        var parsed = ResourceYaml.Parse(yaml, "test.yaml");
        Assert.Empty(parsed.Errors);
        return Assert.IsType<WorkloadIdentityResource>(Assert.Single(parsed.Resources)).Policy;
    }

    [Theory]
    [InlineData("[\"*.example.com\"]", "spec.x509.dns_sans[0]", "is a wildcard")]
    [InlineData("[\"ok.example.com\", \"a..b\"]", "spec.x509.dns_sans[1]", "label of 0 characters")]
    [InlineData("[\"-a.example.com\"]", "spec.x509.dns_sans[0]", "starts or ends with '-'")]
    [InlineData("[\"a_b.example.com\"]", "spec.x509.dns_sans[0]", "holds '_'")]
    [InlineData("[\"example.com.\"]", "spec.x509.dns_sans[0]", "no empty label or trailing dot")]
    [InlineData("[\"{{host.name}}.example.com\"]", "spec.x509.dns_sans[0]", "unknown attribute 'host.name'")]
    [InlineData("[\"{{workload.unix.pid}}.example.com\"]", "spec.x509.dns_sans[0]", "'workload.unix.pid' may not be used")]
    [InlineData("[\"{{path(join.labels.env)}}.example.com\"]", "spec.x509.dns_sans[0]", "path() is for SPIFFE ID paths")]
    [InlineData("\"one.example.com\"", "spec.x509.dns_sans", "expected a list")]
    public void A_bad_template_is_refused_when_read_naming_the_field(string sans, string field, string message)
    {
        var errors = Errors(Yaml(sans));

        Assert.Contains(errors, e => e.Contains(field, StringComparison.Ordinal) && e.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_x509_field_is_refused()
    {
        var errors = Errors("""
            kind: workload_identity
            version: v1
            metadata: { name: web }
            spec:
              spiffe: { id: "/web" }
              x509: { ip_sans: ["10.0.0.1"] }
            """);

        Assert.Contains(errors, e => e.Contains("ip_sans", StringComparison.Ordinal));
    }

    [Fact]
    public void A_name_longer_than_253_characters_is_refused()
    {
        var name = string.Join('.', Enumerable.Repeat(new string('a', 63), 4));
        Assert.Equal(255, name.Length);

        Assert.Contains(Errors(Yaml($"[\"{name}\"]")), e => e.Contains("255 characters (at most 253)", StringComparison.Ordinal));
        Assert.Null(DnsName.Check(name[2..]));
    }

    [Theory]
    [InlineData("{{bot.name}}.svc.example.com", "ci.svc.example.com")]
    [InlineData("uid-{{workload.unix.uid}}.{{join.labels.env}}.example.com", "uid-1000.prod.example.com")]
    [InlineData("localhost", "localhost")]
    public void Templates_render_the_callers_attributes(string template, string expected)
    {
        var policy = Read(Yaml($"[\"{template}\"]"));

        Assert.Equal(expected, Assert.Single(policy.DnsSans).Render(Ci, out var error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("{{workload.unix.exe}}.example.com", "holds '/'")]
    [InlineData("{{join.labels.evil}}", "is a wildcard")]
    [InlineData("{{join.labels.long}}.example.com", "a label of 64 characters")]
    [InlineData("{{user.name}}.example.com", "needs 'user.name', which bot/ci does not have")]
    public void A_value_that_renders_an_invalid_name_is_refused_with_the_reason(string template, string message)
    {
        var policy = Read(Yaml($"[\"{template}\"]"));

        Assert.Null(Assert.Single(policy.DnsSans).Render(Ci, out var error));
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Dns_sans_round_trip_through_the_store_form()
    {
        var parsed = ResourceYaml.Parse(Yaml("[\"{{bot.name}}.svc.example.com\", \"api.example.com\"]"), "test.yaml");
        var resource = Assert.Single(parsed.Resources);

        var back = Assert.IsType<WorkloadIdentityResource>(ResourceJson.Deserialize(resource.Kind, ResourceJson.Serialize(resource)));

        Assert.Equal(["{{bot.name}}.svc.example.com", "api.example.com"], back.Policy.DnsSans.Select(t => t.Text));
        Assert.Contains("dns_sans", ResourceYaml.Render(back), StringComparison.Ordinal);
    }
}
