using Postern.Authority;
using Postern.Configuration;

namespace Postern.Core.Tests.Configuration;

public sealed class AuthoritiesConfigTests
{
    [Fact]
    public void Defaults_are_RS256_keys_and_P256_for_x509_in_the_store_a_one_minute_key_set_and_no_schedule()
    {
        var config = ConfigLoader.Parse("", "/etc/postern");

        Assert.Equal(TimeSpan.FromMinutes(1), config.Authorities.KeySetMaxAge);
        Assert.Equal(TimeSpan.FromMinutes(1), config.Authorities.ClockSkew);
        Assert.Equal(new AuthorityConfig(), config.Authorities.For(CertAuthorityType.Jwt));
        Assert.Equal(new AuthorityConfig(), config.Authorities.For(CertAuthorityType.Workload));
        Assert.Equal(new AuthorityConfig { Algorithm = SigningAlgorithm.ES256 }, config.Authorities.For(CertAuthorityType.X509));

        // The workload authority signs SVIDs of up to an hour (workload_identity.max_ttl), so it needs the longer grace.
        Assert.Equal(TimeSpan.FromMinutes(6), config.MinimumRotationGrace(CertAuthorityType.Jwt).Grace);
        Assert.Equal(TimeSpan.FromMinutes(61), config.MinimumRotationGrace(CertAuthorityType.Workload).Grace);

        // The x509 authority's old CA certificate stays in the bundle until the X.509-SVIDs it signed (up to an hour) have expired.
        Assert.Equal(TimeSpan.FromMinutes(61), config.MinimumRotationGrace(CertAuthorityType.X509).Grace);
    }

    [Theory]
    [InlineData("workload_identity: { x509: { max_ttl: 2h, default_ttl: 3h } }", "workload_identity.x509.default_ttl: '3h' is longer than max_ttl (2h)")]
    [InlineData("workload_identity: { x509: { max_ttl: 2d, ca_ttl: 1d } }", "workload_identity.x509.max_ttl: '2d' is not shorter than ca_ttl (1d)")]
    [InlineData("workload_identity: { x509: { ca_ttl: 1d } }\nauthorities: { x509: { rotation: { every: 23h } } }", "authorities.x509.rotation.every: '23h' plus two grace periods is not shorter than workload_identity.x509.ca_ttl (1d)")]
    [InlineData("workload_identity: { x509: { lifetime: 1h } }", "unknown field (expected one of: default_ttl, max_ttl, ca_ttl)")]
    public void X509_lifetimes_that_cannot_work_are_refused_naming_the_field(string yaml, string message)
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, "/etc/postern"));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void X509_lifetimes_are_read_as_written()
    {
        var config = ConfigLoader.Parse("workload_identity: { x509: { default_ttl: 10m, max_ttl: 1d, ca_ttl: 90d } }", "/etc/postern");

        Assert.Equal(new X509SvidConfig { DefaultTtl = TimeSpan.FromMinutes(10), MaxTtl = TimeSpan.FromDays(1), CaTtl = TimeSpan.FromDays(90) }, config.WorkloadIdentity.X509);
        Assert.Equal(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1), config.MinimumRotationGrace(CertAuthorityType.X509).Grace);
    }

    [Fact]
    public void Each_authority_is_read_as_written()
    {
        var config = ConfigLoader.Parse("""
            authorities:
              key_set_max_age: 5m
              clock_skew: 30s
              jwt:
                keys: { algorithm: ES256 }
                rotation: { every: 90d, grace: 1h }
              workload:
                keys:
                  pkcs11: { module: /usr/lib/softhsm/libsofthsm2.so, token_label: postern, pin_env: HSM_PIN }
            """, "/etc/postern").Authorities;

        Assert.Equal(TimeSpan.FromMinutes(5), config.KeySetMaxAge);
        Assert.Equal(TimeSpan.FromSeconds(30), config.ClockSkew);
        Assert.Equal(SigningAlgorithm.ES256, config.Jwt.Algorithm);
        Assert.Equal(new RotationSchedule { Every = TimeSpan.FromDays(90), Grace = TimeSpan.FromHours(1) }, config.Jwt.Rotation);
        Assert.Null(config.Jwt.Pkcs11);
        Assert.Equal(SigningAlgorithm.RS256, config.Workload.Algorithm);
        Assert.Equal(new Pkcs11Config { Module = "/usr/lib/softhsm/libsofthsm2.so", TokenLabel = "postern", PinEnv = "HSM_PIN" }, config.Workload.Pkcs11);
    }

    [Theory]
    [InlineData("authorities: { jwt: { keys: { algorithm: HS256 } } }", "authorities.jwt.keys.algorithm: unsupported algorithm 'HS256' (expected RS256 or ES256)")]
    [InlineData("authorities: { jwt: { rotation: { every: 90d, grace: 1m } } }", "authorities.jwt.rotation.grace: '1m' is shorter than the 6m this authority needs: each phase must outlast the key set's max-age (1m, authorities.key_set_max_age) and the longest token the jwt authority signs plus clock skew (5m app_access.assertion_ttl + 1m authorities.clock_skew)")]
    [InlineData("authorities: { workload: { rotation: { grace: 2h } } }", "authorities.workload.rotation.every: required")]
    [InlineData("authorities: { workload: { keys: { pkcs11: { module: libsofthsm2.so, slot: 0, pin_env: P } } } }", "authorities.workload.keys.pkcs11.module: 'libsofthsm2.so' is not an absolute path")]
    [InlineData("authorities: { workload: { keys: { pkcs11: { module: /x.so, pin_env: P } } } }", "authorities.workload.keys.pkcs11: give exactly one of slot and token_label")]
    [InlineData("authorities: { workload: { keys: { pkcs11: { module: /x.so, slot: 1 } } } }", "authorities.workload.keys.pkcs11.pin_env: required")]
    [InlineData("authorities: { ssh: {} }", "authorities.ssh: unknown field")]
    [InlineData("authorities: { key_set_max_age: 2d }", "authorities.key_set_max_age: '2d' is out of range")]
    public void A_bad_value_is_named_with_its_path(string yaml, string expected)
    {
        var errors = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, "/etc/postern")).Errors.Select(e => e.ToString());
        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }
}
