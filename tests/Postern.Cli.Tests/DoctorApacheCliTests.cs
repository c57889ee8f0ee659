using System.Text.Json;
using Postern.Cli.Tests.Infrastructure;
using Postern.Testing;

namespace Postern.Cli.Tests;

/// <summary>
/// <c>postern doctor app</c> against real Apaches with <c>mod_auth_openidc</c> verifying the assertion, which Postern
/// sends them as <c>Authorization: Bearer {{internal.jwt}}</c>. With <c>Require claim</c> for <c>aud</c> and <c>iss</c>
/// every forgery is refused, for the reason the module logs, and the exit code is 0. With <c>Require valid-user</c>
/// only, the module verifies the signature, the algorithm and <c>exp</c> but not <c>aud</c> or <c>iss</c>: the doctor
/// names the two forgeries it accepts and exits 1.
/// </summary>
public sealed class DoctorApacheCliTests : IAsyncLifetime
{
    private static readonly string[] Forgeries =
        ["no_assertion", "tampered_signature", "alg_none", "expired", "other_audience", "wrong_issuer", "unknown_key", "second_header"];

    private readonly ApacheOAuthApp _strict = new();
    private readonly ApacheOAuthApp _lax = new();
    private CliServer _cli = null!;

    public async Task InitializeAsync()
    {
        static string App(string name, string uri) =>
            $"  - name: {name}\n    uri: {uri}\n    public_addr: {name}.localhost\n    doctor: {{allow: true}}\n"
            + "    rewrite:\n      headers: ['Authorization: Bearer {{internal.jwt}}']\n";
        _cli = await CliServer.StartAsync(App("apache", _strict.Address) + App("apache-lax", _lax.Address));
        var jwks = new Uri(_cli.Server.BaseUrl + "/.well-known/jwks.json");
        await _strict.StartAsync(jwks, "test.example.com", _cli.Server.CertificatePath);
        await _lax.StartAsync(jwks, "test.example.com", _cli.Server.CertificatePath, requireClaims: false);
    }

    public async Task DisposeAsync()
    {
        await _cli.DisposeAsync();
        await _strict.DisposeAsync();
        await _lax.DisposeAsync();
    }

    [Fact]
    public async Task Mod_auth_openidc_requiring_aud_and_iss_serves_the_genuine_assertion_and_refuses_every_forgery_so_the_exit_code_is_zero()
    {
        var (exit, probes, _, output) = await DoctorAsync("apache");

        Assert.True(exit == 0, $"{output}\nApache's error log:\n{_strict.ErrorLog}");
        Assert.Equal((200, "baseline"), probes["genuine"]);
        Assert.All(Forgeries, f => Assert.Equal((401, "refused"), probes[f]));

        var log = _strict.AccessLog;
        Assert.Contains("\"GET /private HTTP/1.1\" 200 probe=genuine", log, StringComparison.Ordinal);
        Assert.All(Forgeries, f => Assert.Contains($"\"GET /private HTTP/1.1\" 401 probe={f}", log, StringComparison.Ordinal));

        // Each refusal for its own reason, in the module's words.
        var errors = _strict.ErrorLog;
        Assert.Contains("JWT signature verification failed", errors, StringComparison.Ordinal);
        Assert.Contains("for algorithm: none", errors, StringComparison.Ordinal);
        Assert.Contains("\"exp\" validation failure", errors, StringComparison.Ordinal);
        Assert.Contains($"could not match require claim expression 'aud:{_strict.Address}'", errors, StringComparison.Ordinal);
        Assert.Contains("could not match require claim expression 'iss:test.example.com'", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mod_auth_openidc_with_valid_user_only_accepts_another_apps_audience_and_another_issuer_and_the_doctor_names_both()
    {
        var (exit, probes, accepted, output) = await DoctorAsync("apache-lax");

        Assert.True(exit == 1, $"{output}\nApache's error log:\n{_lax.ErrorLog}");
        Assert.Equal(["other_audience", "wrong_issuer"], accepted);
        Assert.Equal((200, "accepted"), probes["other_audience"]);
        Assert.Equal((200, "accepted"), probes["wrong_issuer"]);
        Assert.All(Forgeries.Except(["other_audience", "wrong_issuer"]), f => Assert.Equal((401, "refused"), probes[f]));
    }

    private async Task<(int Exit, Dictionary<string, (int Status, string? Verdict)> Probes, List<string?> Accepted, string Output)> DoctorAsync(string app)
    {
        var (exit, output, error) = await _cli.RunAsync("doctor", "app", app, "--user", "alice", "--path", "/private", "--format", "json");
        if (output.Length == 0)
        {
            return (exit, [], [], error);
        }

        using var report = JsonDocument.Parse(output);
        var probes = report.RootElement.GetProperty("probes").EnumerateArray()
            .ToDictionary(p => p.GetProperty("name").GetString()!, p => (p.GetProperty("status").GetInt32(), p.GetProperty("verdict").GetString()));
        var accepted = report.RootElement.GetProperty("accepted").EnumerateArray().Select(a => a.GetString()).ToList();
        return (exit, probes, accepted, output + error);
    }
}
