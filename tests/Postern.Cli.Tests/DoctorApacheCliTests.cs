using System.Text.Json;
using Postern.Cli.Tests.Infrastructure;
using Postern.Testing;

namespace Postern.Cli.Tests;

/// <summary>
/// <c>postern doctor app</c> against a real Apache with <c>mod_auth_openidc</c> verifying the assertion, which Postern
/// sends it as <c>Authorization: Bearer {{internal.jwt}}</c>: the genuine assertion is served, every forgery is refused
/// (by the module, not by chance: Apache's access log shows each probe answered 401), and the exit code is 0.
/// </summary>
public sealed class DoctorApacheCliTests : IAsyncLifetime
{
    private static readonly string[] Forgeries =
        ["no_assertion", "tampered_signature", "alg_none", "expired", "other_audience", "wrong_issuer", "unknown_key", "second_header"];

    private readonly ApacheOAuthApp _apache = new();
    private CliServer _cli = null!;

    public async Task InitializeAsync()
    {
        _cli = await CliServer.StartAsync(
            $"  - name: apache\n    uri: {_apache.Address}\n    public_addr: apache.localhost\n    doctor: {{allow: true}}\n"
            + "    rewrite:\n      headers: ['Authorization: Bearer {{internal.jwt}}']\n");
        await _apache.StartAsync(new Uri(_cli.Server.BaseUrl + "/.well-known/jwks.json"), "test.example.com", _cli.Server.CertificatePath);
    }

    public async Task DisposeAsync()
    {
        await _cli.DisposeAsync();
        await _apache.DisposeAsync();
    }

    [Fact]
    public async Task Mod_auth_openidc_serves_the_genuine_assertion_and_refuses_every_forgery_so_the_exit_code_is_zero()
    {
        var (exit, output, error) = await _cli.RunAsync("doctor", "app", "apache", "--user", "alice", "--path", "/private", "--format", "json");

        Assert.True(exit == 0, $"{output}{error}\nApache's error log:\n{_apache.ErrorLog}");
        using var report = JsonDocument.Parse(output);
        Assert.True(report.RootElement.GetProperty("ok").GetBoolean());
        Assert.Empty(report.RootElement.GetProperty("accepted").EnumerateArray());
        var probes = report.RootElement.GetProperty("probes").EnumerateArray()
            .ToDictionary(p => p.GetProperty("name").GetString()!, p => (Status: p.GetProperty("status").GetInt32(), Verdict: p.GetProperty("verdict").GetString()));
        Assert.Equal((200, "baseline"), probes["genuine"]);
        Assert.All(Forgeries, f => Assert.Equal((401, "refused"), probes[f]));

        var log = _apache.AccessLog;
        Assert.Contains("\"GET /private HTTP/1.1\" 200 probe=genuine", log, StringComparison.Ordinal);
        Assert.All(Forgeries, f => Assert.Contains($"\"GET /private HTTP/1.1\" 401 probe={f}", log, StringComparison.Ordinal));
    }
}
