using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Postern.Agent.Tests.Infrastructure;
using Postern.Testing;

namespace Postern.Agent.Tests.EndToEnd;

/// <summary>
/// <c>--output-dir</c>: the agent writes its own X.509-SVID, key, bundle and JWT-SVIDs to files, renews them before half
/// their life and runs the <c>--on-change</c> command after each change; killed at any moment, it never leaves a
/// truncated file. X.509-SVIDs of 10 s and JWT-SVIDs of 5 s, so renewals come within seconds.
/// </summary>
public sealed class FileOutputTests : IAsyncLifetime
{
    private const string ShortSvids = "workload_identity: { default_ttl: 5s, max_ttl: 5s, x509: { default_ttl: 10s, max_ttl: 10s } }";
    private ServerWithAgent _setup = null!;

    private string Out => _setup.Dir.File("out");

    public async Task InitializeAsync() => _setup = await ServerWithAgent.StartAsync(ShortSvids, (dir, options) => options with
    {
        Outputs = new FileOutputOptions { Folder = dir.File("out"), Audiences = ["db", "https://api.example.com/v1"], OnChange = "echo changed >> ../changes.log" },
    });

    public async Task DisposeAsync() => await _setup.DisposeAsync();

    [Fact]
    public async Task The_files_appear_verify_are_renewed_before_half_their_life_and_the_command_runs_after_each_change()
    {
        var svid = Path.Combine(Out, "svid.pem");
        await Eventually.TrueAsync(() => File.Exists(Path.Combine(Out, "jwt_svid.https___api.example.com_v1.token")), "the files are written");
        using var first = X509CertificateLoader.LoadCertificateFromFile(svid);

        var (exit, output, errors) = await Openssl.RunAsync("verify", "-CAfile", Path.Combine(Out, "bundle.pem"), svid);
        Assert.True(exit == 0, output + errors);
        Assert.Matches(@"URI:spiffe://test\.example\.com/uid/0\s*\n", await Openssl.TextAsync(svid));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Out, "svid_key.pem")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Out, "jwt_svid.db.token")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(svid));
        Assert.Equal(["db"], Claims(File.ReadAllText(Path.Combine(Out, "jwt_svid.db.token"))).GetProperty("aud").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(["https://api.example.com/v1"], Claims(File.ReadAllText(Path.Combine(Out, "jwt_svid.https___api.example.com_v1.token"))).GetProperty("aud").EnumerateArray().Select(a => a.GetString()));

        await Eventually.TrueAsync(() => X509CertificateLoader.LoadCertificateFromFile(svid).SerialNumber != first.SerialNumber, "svid.pem is renewed", TimeSpan.FromSeconds(20));
        Assert.True(DateTime.UtcNow < first.NotAfter.ToUniversalTime(), "the renewal must come before the first SVID expires");
        AssertComplete(Out);
        await Eventually.TrueAsync(() => File.Exists(_setup.Dir.File("changes.log")) && File.ReadAllLines(_setup.Dir.File("changes.log")).Length >= 2, "the command ran after each change");
    }

    [Fact]
    public async Task An_agent_killed_at_any_moment_leaves_whole_files_or_none()
    {
        var folder = _setup.Dir.File("crash");
        var dataDir = _setup.Dir.File("crash-data");
        var token = await NewAgentTokenAsync();
        var random = new Random(26);
        for (var round = 0; round < 12; round++)
        {
            var errors = new StringBuilder();
            var (agent, serving) = StartCli(folder, dataDir, token, round, errors);
            using var _ = agent;
            Assert.True(await serving.Task.WaitAsync(TimeSpan.FromSeconds(60)), "the agent exited without serving: " + errors);

            // The files are written as the agent starts serving, and the tokens again every 2.5 s: kill somewhere in there.
            await Task.Delay(random.Next(0, 3000));
            agent.Kill(entireProcessTree: true);
            await agent.WaitForExitAsync();
            AssertComplete(folder);
        }

        Assert.True(File.Exists(Path.Combine(folder, "svid.pem")), "no round got as far as writing the files");
    }

    /// <summary>Every file in <paramref name="folder"/> is whole: the chain and key pair up, the bundle parses, each token has three parts.</summary>
    private static void AssertComplete(string folder)
    {
        if (!File.Exists(Path.Combine(folder, "svid.pem")))
        {
            return;
        }

        using var leaf = X509Certificate2.CreateFromPemFile(Path.Combine(folder, "svid.pem"), Path.Combine(folder, "svid_key.pem"));
        Assert.True(leaf.HasPrivateKey);
        var bundle = new X509Certificate2Collection();
        bundle.ImportFromPemFile(Path.Combine(folder, "bundle.pem"));
        Assert.NotEmpty(bundle);
        foreach (var token in Directory.EnumerateFiles(folder, "jwt_svid.*.token"))
        {
            Assert.Equal(3, File.ReadAllText(token).Split('.').Length);
            _ = Claims(File.ReadAllText(token));
        }
    }

    private static JsonElement Claims(string jwt) =>
        JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(jwt.Split('.')[1])).RootElement.Clone();

    private async Task<string> NewAgentTokenAsync()
    {
        using var response = await new AdminApi(_setup.Server).SendAsync(HttpMethod.Post, "bots", System.Net.Http.Json.JsonContent.Create(new { name = "crashy", roles = new[] { "workload" }, agent = true }));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
    }

    private (Process Process, TaskCompletionSource<bool> Serving) StartCli(string folder, string dataDir, string token, int round, StringBuilder errors)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            Path.Combine(RepoPaths.Root, "src", "Postern.Cli", "bin", "Debug", "net10.0", "postern.dll"), "agent", "--server", _setup.Server.BaseUrl, "--ca-file", _setup.Server.CertificatePath,
            "--socket", _setup.Dir.File($"c{round}.sock"), "--data-dir", dataDir, "--output-dir", folder, "--output-audiences", "db",
        })
        {
            start.ArgumentList.Add(arg);
        }

        // The token joins once; later rounds use the credential in the data folder.
        start.Environment["POSTERN_JOIN_TOKEN"] = token;
        var serving = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is null)
            {
                serving.TrySetResult(false);
            }
            else if (line.Data.StartsWith("Postern agent serving", StringComparison.Ordinal))
            {
                serving.TrySetResult(true);
            }
        };
        process.ErrorDataReceived += (_, line) =>
        {
            lock (errors)
            {
                errors.AppendLine(line.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, serving);
    }
}
