using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Postern.Server.Tests.WorkloadIdentity;
using Postern.Testing;
using Postern.WorkloadIdentity.Api;

namespace Postern.Server.Tests.Diagnostics;

/// <summary>
/// <c>log: {format: json}</c>: <c>postern start</c>, run as its own process, writes nothing but JSON objects to standard
/// output while a user signs in (once wrongly), opens an app, and a bot gets a JWT-SVID; no line holds a password, a
/// token, a session, a credential or a key.
/// </summary>
public sealed class JsonLogTests
{
    private const string Password = "correct horse battery staple";
    private const string WrongPassword = "incorrect pony staple battery";

    [Fact]
    public async Task Every_line_on_stdout_is_JSON_with_the_standard_fields_and_no_secret()
    {
        using var dir = new TempDir();
        await using var upstream = await Upstream.StartAsync();
        var port = FreePort.Next();
        var config = Path.Combine(dir.Path, "postern.yaml");
        await File.WriteAllTextAsync(config, $"""
            cluster_name: logs.example.com
            listen_addr: 127.0.0.1:{port}
            public_addr: https://127.0.0.1:{port}
            data_dir: data
            log: {"{"}format: json, level: debug{"}"}
            apps:
              - name: logged
                uri: {upstream.Address}
                public_addr: logged.localhost
              - name: gone
                uri: http://127.0.0.1:{FreePort.Next()}
                public_addr: gone.localhost
            """);
        var secrets = new Dictionary<string, string> { ["password"] = Password, ["wrong password"] = WrongPassword };
        await using (var server = PosternProcess.Start(dir.Path, config, "stdout.log", errorLogName: "stderr.log"))
        {
            using var http = await server.WaitReadyAsync(port);
            await server.Admin.CreateAsync(WorkloadPolicy.ByUid());
            await server.Admin.AddUserAsync("lou", Password, ["access"]);

            using var browser = new Browser($"https://127.0.0.1:{port}", server.CertificatePath);
            using (var refused = await browser.LoginAsync("lou", WrongPassword))
            {
                Assert.False(refused.IsSuccessStatusCode);
            }

            using (var login = await browser.LoginAsync("lou", Password))
            {
                Assert.True(login.IsSuccessStatusCode, await login.Content.ReadAsStringAsync());
            }

            using (var page = await browser.GetAsync(browser.AppUrl("logged.localhost", "/inside")))
            {
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            }

            secrets["assertion"] = upstream.Last.Headers["Teleport-Jwt-Assertion"];

            // An app that does not answer: Postern logs it, within the request, so with the request's trace id.
            using (var gone = await browser.GetAsync(browser.AppUrl("gone.localhost", "/")))
            {
                Assert.Equal(HttpStatusCode.BadGateway, gone.StatusCode);
            }

            foreach (Cookie cookie in browser.Cookies.GetAllCookies())
            {
                secrets[$"cookie {cookie.Name}"] = cookie.Value;
            }

            var credential = await server.JoinBotAsync(port, "logger");
            secrets["bot credential"] = credential;
            using var bot = server.BearerClient(credential);
            using (var issued = await bot.PostAsJsonAsync($"https://127.0.0.1:{port}{WorkloadApiPaths.JwtSvids}", new JwtSvidRequest(["db"], Workload: WorkloadClient.Unix(1000))))
            {
                Assert.True(issued.IsSuccessStatusCode, await issued.Content.ReadAsStringAsync());
                secrets["JWT-SVID"] = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("svids")[0].GetProperty("jwt_svid").GetString()!;
            }

            secrets["key-encryption key"] = (await File.ReadAllTextAsync(Path.Combine(server.DataDir, "kek"))).Trim();
            await server.StopAsync("TERM");
        }

        var lines = await File.ReadAllLinesAsync(Path.Combine(dir.Path, "stdout.log"));
        Assert.True(lines.Length >= 5, $"only {lines.Length} lines were written: the test is not seeing the logs");
        var traced = 0;
        foreach (var line in lines)
        {
            JsonElement entry;
            try
            {
                entry = JsonDocument.Parse(line).RootElement;
            }
            catch (JsonException e)
            {
                throw new Xunit.Sdk.XunitException($"a line on stdout is not JSON ({e.Message}): {line}");
            }

            foreach (var field in new[] { "Timestamp", "EventId", "LogLevel", "Category", "Message" })
            {
                Assert.True(entry.TryGetProperty(field, out _), $"no {field} in {line}");
            }

            foreach (var (what, secret) in secrets)
            {
                Assert.False(line.Contains(secret, StringComparison.Ordinal), $"the {what} is in a log line: {line}");
            }

            Assert.DoesNotContain("PRIVATE KEY", line, StringComparison.Ordinal);
            traced += entry.TryGetProperty("Scopes", out var scopes) && scopes.EnumerateArray().Any(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("TraceId", out _)) ? 1 : 0;
        }

        Assert.True(traced > 0, "no line written during a request carries its trace id:\n" + string.Join("\n", lines));
        Assert.True(secrets.Values.All(s => s.Length >= 16), "a secret looked for is too short to mean anything");
    }
}
