using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Postern.Authority;
using Postern.Cli;
using Postern.Testing;

namespace Postern.Cli.Tests;

/// <summary>The <c>postern</c> command line, parsed and invoked as a user would type it.</summary>
public sealed class CliTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await PosternCli.CreateRootCommand().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Start_with_a_bad_config_lists_every_error_with_its_path_and_exits_2()
    {
        var config = _dir.File("postern.yaml");
        File.WriteAllText(config, """
            listen_addr: 127.0.0.1:99999
            colour: blue
            apps:
              - { name: a, uri: 'http://127.0.0.1:1', public_addr: a.localhost }
              - { name: b, uri: 'http://127.0.0.1:2', public_addr: b.localhost }
              - { name: c, uri: 'not a uri', public_addr: c.localhost }
            """);

        var (exit, _, error) = await RunAsync("start", "--config", config);

        Assert.Equal(2, exit);
        Assert.Contains("has 3 errors", error, StringComparison.Ordinal);
        Assert.Contains("listen_addr: port '99999' is not a number from 0 to 65535", error, StringComparison.Ordinal);
        Assert.Contains("colour: unknown field", error, StringComparison.Ordinal);
        Assert.Contains("apps[2].uri: 'not a uri' is not an absolute http:// or https:// URI", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dir.File("data")));
    }

    [Theory]
    [InlineData("neither")]
    [InlineData("both", "--user", "ann", "--sso", "okta")]
    public async Task Login_takes_either_a_user_or_a_connector_and_exits_2_otherwise(string why, params string[] how)
    {
        var (exit, _, error) = await RunAsync(["login", "--proxy", "https://127.0.0.1:9", .. how]);

        Assert.True(exit == 2, why);
        Assert.Contains("give either --user NAME (password sign-in) or --sso CONNECTOR", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_sso_accepts_only_the_browser_modes_it_knows()
    {
        var (exit, _, error) = await RunAsync("login", "--proxy", "https://127.0.0.1:9", "--sso", "okta", "--browser", "firefox");

        Assert.Equal(1, exit);
        Assert.Contains("firefox", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_with_a_missing_named_config_exits_2()
    {
        var (exit, _, error) = await RunAsync("start", "--config", _dir.File("absent.yaml"));

        Assert.Equal(2, exit);
        Assert.Contains("file not found", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jwt_verify_prints_the_claims_of_a_good_token_and_the_reason_for_a_bad_one()
    {
        await using var server = await TestPostern.StartAsync(_dir.Path);
        var now = DateTimeOffset.UtcNow;
        var token = server.Host.Signer.Sign(CertAuthorityType.Jwt, new Dictionary<string, object>
        {
            ["aud"] = "http://127.0.0.1:34679",
            ["iss"] = "test.example.com",
            ["sub"] = "alice",
            ["username"] = "alice",
            ["exp"] = now.AddMinutes(5),
        }).Value;
        string[] common = ["jwt", "verify", "--jwks", server.BaseUrl + "/.well-known/jwks.json", "--ca-file", server.CertificatePath, "--format", "json"];

        var (exit, output, error) = await RunAsync([.. common, "--iss", "test.example.com", "--aud", "http://127.0.0.1:34679", token]);
        Assert.True(exit == 0, output + error);
        var answer = JsonDocument.Parse(output).RootElement;
        Assert.True(answer.GetProperty("valid").GetBoolean());
        Assert.Equal("alice", answer.GetProperty("claims").GetProperty("username").GetString());

        (exit, output, _) = await RunAsync([.. common, "--iss", "test.example.com", "--aud", "http://127.0.0.1:34679", JwtTampering.ChangeOneSignatureByte(token)]);
        Assert.Equal(1, exit);
        Assert.Equal("invalid_signature", JsonDocument.Parse(output).RootElement.GetProperty("reason").GetString());

        (exit, output, _) = await RunAsync([.. common, "--iss", "test.example.com", "--aud", "http://elsewhere", token]);
        Assert.Equal(1, exit);
        Assert.Equal("invalid_audience", JsonDocument.Parse(output).RootElement.GetProperty("reason").GetString());

        (exit, output, error) = await RunAsync(
            "jwt", "verify", "--jwks", server.BaseUrl + "/.well-known/jwks.json", "--ca-file", server.CertificatePath,
            "--insecure-any-issuer", "--insecure-any-audience", token);
        Assert.Equal(0, exit);
        Assert.StartsWith("valid: signed by " + server.Host.Authorities.Get(CertAuthorityType.Jwt).SigningKid, output, StringComparison.Ordinal);
        Assert.Contains("issuer not checked (--insecure-any-issuer)", error, StringComparison.Ordinal);
        Assert.Contains("audience not checked (--insecure-any-audience)", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--iss", "x", "--aud", "--insecure-any-audience")]
    [InlineData("--aud", "http://app", "--iss", "--insecure-any-issuer")]
    public async Task Jwt_verify_requires_an_audience_and_an_issuer_unless_told_to_accept_any(string given, string value, string missing, string optOut)
    {
        var (exit, output, error) = await RunAsync("jwt", "verify", "--jwks", "https://postern.invalid/.well-known/jwks.json", given, value, "a.b.c");

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains($"{missing} is required", error, StringComparison.Ordinal);
        Assert.Contains(optOut, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jwt_verify_refuses_an_audience_together_with_its_opt_out()
    {
        var (exit, _, error) = await RunAsync(
            "jwt", "verify", "--jwks", "https://postern.invalid/.well-known/jwks.json", "--iss", "x", "--aud", "http://app", "--insecure-any-audience", "a.b.c");

        Assert.Equal(2, exit);
        Assert.Contains("--aud and --insecure-any-audience", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jwt_verify_names_a_bad_key_set_url_and_exits_2()
    {
        var (exit, _, error) = await RunAsync("jwt", "verify", "--jwks", "not a url", "a.b.c");

        Assert.Equal(2, exit);
        Assert.Contains("--jwks 'not a url' is not an absolute http:// or https:// URL", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_postern_executable_starts_serves_the_key_set_and_stops_on_SIGTERM()
    {
        var port = FreePort.Next();
        var config = _dir.File("postern.yaml");
        File.WriteAllText(config, $"listen_addr: 127.0.0.1:{port}\ndata_dir: data\n");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir.Path };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "postern.dll"), "start", "--config", config })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        try
        {
            string? line;
            while ((line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))) is not null && !line.StartsWith("Press Ctrl+C", StringComparison.Ordinal))
            {
            }

            Assert.NotNull(line);
            using var http = TestPostern.CreateClient(_dir.File("data/tls/cert.pem"));
            var jwks = JsonDocument.Parse(await http.GetStringAsync($"https://127.0.0.1:{port}/.well-known/jwks.json")).RootElement;
            Assert.Equal(1, jwks.GetProperty("keys").GetArrayLength());
        }
        finally
        {
            Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(0, process.ExitCode);
    }
}
