using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Postern.Server.Tests.Infrastructure;
using Postern.Testing;

namespace Postern.Server.Tests;

/// <summary>
/// The second factor end to end: enrolment on the web page in headless Chromium, codes computed by Debian's
/// oathtool, replay and recovery codes at sign-in, <c>--require-totp</c> and <c>reset-totp</c> through the CLI,
/// and what the store holds.
/// </summary>
public sealed partial class SecondFactorTests : RunningServerTests
{
    private const string Password = "a long enough password";

    private AdminApi Admin => new(Server);

    [Fact]
    public async Task A_user_enrols_in_Chromium_then_signs_in_only_with_an_independent_code_once_and_a_recovery_code_once()
    {
        await Admin.AddUserAsync("alice", Password, ["access"]);

        var answer = await EnrolInChromiumAsync("alice");
        Assert.False(answer.GetProperty("sentToEnrol").GetBoolean());
        var secret = answer.GetProperty("secret").GetString()!;
        Assert.Matches("^[A-Z2-7]{32}$", secret);
        Assert.Equal($"otpauth://totp/Postern:alice?secret={secret}&issuer=Postern&algorithm=SHA1&digits=6&period=30", answer.GetProperty("uri").GetString());
        Assert.True(answer.GetProperty("qrCells").GetInt32() > 0, "the page shows no QR code");
        Assert.Empty(answer.GetProperty("cspViolations").EnumerateArray());
        Assert.Equal("alice", answer.GetProperty("launcherUser").GetString());
        var recoveryCodes = answer.GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!).ToArray();
        Assert.Equal(10, recoveryCodes.Length);

        using var browser = new Browser(Server);
        await AssertRefusedAsync(await browser.LoginAsync("alice", Password), "otp_required");

        // The code typed on the enrolment page used its step; the next step's code (accepted for clock drift) is new.
        var code = await Oathtool.CodeAsync(secret, DateTimeOffset.UtcNow.AddSeconds(30));
        await AssertRefusedAsync(await browser.LoginAsync("alice", Password, answer.GetProperty("code").GetString()), "invalid_credentials");
        using (var signedIn = await browser.LoginAsync("alice", Password, code))
        {
            Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        }

        await AssertRefusedAsync(await browser.LoginAsync("alice", Password, code), "invalid_credentials");

        using (var recovered = await browser.LoginAsync("alice", Password, recoveryCodes[0].ToLowerInvariant()))
        {
            Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        }

        await AssertRefusedAsync(await browser.LoginAsync("alice", Password, recoveryCodes[0]), "invalid_credentials");
        await AssertRefusedAsync(await browser.LoginAsync("alice", "wrong password", recoveryCodes[1]), "invalid_credentials");

        var stored = await StoredUserAsync("alice");
        Assert.DoesNotContain(secret, stored, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\"totp_secret\"", stored, StringComparison.Ordinal);
        Assert.Contains("\"totp_secret_sealed\"", stored, StringComparison.Ordinal);
        Assert.Equal(9, JsonDocument.Parse(stored).RootElement.GetProperty("spec").GetProperty("recovery_codes").GetArrayLength());
        Assert.All(recoveryCodes, c => Assert.DoesNotContain(c.Replace("-", "", StringComparison.Ordinal), stored, StringComparison.OrdinalIgnoreCase));
        Assert.False(StoreFilesContain(secret), "the SQLite files hold the plain TOTP secret");

        var enrolled = Assert.Single(await Admin.AuditAsync("user.totp.enrol"));
        Assert.Equal("alice", enrolled.GetProperty("user").GetString());
        Assert.Equal("alice", enrolled.GetProperty("actor").GetProperty("name").GetString());
        Assert.Equal("127.0.0.1", enrolled.GetProperty("client_addr").GetString());
    }

    [Fact]
    public async Task The_enrolment_page_keeps_its_secret_until_a_right_code_confirms_it()
    {
        await Admin.AddUserAsync("carol", Password, ["access"]);
        using var browser = new Browser(Server);
        using (var login = await browser.LoginAsync("carol", Password))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        var page = await browser.Http.GetStringAsync(browser.WebAddress + "/web/account/totp");
        var secret = SecretShown().Match(page).Groups[1].Value;
        Assert.NotEmpty(secret);
        Assert.Equal(secret, SecretShown().Match(await browser.Http.GetStringAsync(browser.WebAddress + "/web/account/totp")).Groups[1].Value);

        var wrong = (int.Parse(await Oathtool.CodeAsync(secret), System.Globalization.CultureInfo.InvariantCulture) + 1) % 1_000_000;
        using (var refused = await PostCodeAsync(browser, page, wrong.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        using (var noToken = await browser.Http.PostAsync(browser.WebAddress + "/web/account/totp", new FormUrlEncodedContent(new Dictionary<string, string> { ["code"] = await Oathtool.CodeAsync(secret) })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        }

        Assert.DoesNotContain("totp_secret_sealed\":\"", await StoredUserAsync("carol"), StringComparison.Ordinal);

        using var confirmed = await PostCodeAsync(browser, page, await Oathtool.CodeAsync(secret));
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Equal(10, RecoveryCodeShown().Matches(await confirmed.Content.ReadAsStringAsync()).Count);
        Assert.Contains("totp_secret_sealed\":\"", await StoredUserAsync("carol"), StringComparison.Ordinal);
        Assert.Contains("reset-totp carol", await browser.Http.GetStringAsync(browser.WebAddress + "/web/account/totp"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Require_totp_from_the_cli_sends_the_user_to_enrol_and_reset_totp_removes_the_factor_audited()
    {
        await Admin.AddUserAsync("bob", Password, ["access"]);
        var (exit, _, error) = await RunCliAsync("users", "update", "bob", "--require-totp");
        Assert.True(exit == 0, error);
        var (_, list, _) = await RunCliAsync("users", "ls", "--format", "json");
        var bob = JsonDocument.Parse(list).RootElement.EnumerateArray().Single(u => u.GetProperty("name").GetString() == "bob");
        Assert.True(bob.GetProperty("require_totp").GetBoolean());
        Assert.False(bob.GetProperty("has_totp").GetBoolean());

        // A script is refused with a message saying how; it gets no session.
        using (var script = new Browser(Server))
        {
            using var refused = await script.LoginAsync("bob", Password);
            var body = await AssertRefusedAsync(refused, "totp_enrolment_required");
            Assert.Contains("/web/login", body.GetProperty("error").GetString(), StringComparison.Ordinal);
            Assert.Null(script.Cookie(Server.BaseUrl, "__Host-postern_session"));
        }

        // The form's answer is the enrol-only state: it opens the enrolment page, and not the launcher.
        using (var form = new Browser(Server, followRedirects: false))
        {
            var login = await form.Http.GetStringAsync(form.WebAddress + "/web/login");
            using var posted = await form.Http.PostAsync(form.WebAddress + "/web/login", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_csrf"] = CsrfField().Match(login).Groups[1].Value,
                ["username"] = "bob",
                ["password"] = Password,
            }));
            Assert.Equal(HttpStatusCode.SeeOther, posted.StatusCode);
            Assert.Equal("/web/account/totp", posted.Headers.Location?.OriginalString);
            Assert.Null(form.Cookie(Server.BaseUrl, "__Host-postern_session"));
            Assert.NotNull(form.Cookie(Server.BaseUrl, "__Host-postern_enrol"));
            using var launcher = await form.GetAsync(form.WebAddress + "/web/");
            Assert.Equal(HttpStatusCode.Redirect, launcher.StatusCode);
            using var enrolPage = await form.GetAsync(form.WebAddress + "/web/account/totp");
            Assert.Equal(HttpStatusCode.OK, enrolPage.StatusCode);
            Assert.Contains("id=\"totp-secret\"", await enrolPage.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var answer = await EnrolInChromiumAsync("bob");
        Assert.True(answer.GetProperty("sentToEnrol").GetBoolean());
        Assert.Equal("bob", answer.GetProperty("launcherUser").GetString());
        var secret = answer.GetProperty("secret").GetString()!;

        (exit, var output, error) = await RunCliAsync("users", "reset-totp", "bob");
        Assert.True(exit == 0, error);
        Assert.Contains("second factor and recovery codes removed", output, StringComparison.Ordinal);
        Assert.Contains("set one up again at their next sign-in", output, StringComparison.Ordinal);
        var reset = Assert.Single(await Admin.AuditAsync("user.totp.reset"));
        Assert.Equal("bob", reset.GetProperty("user").GetString());
        Assert.True(reset.GetProperty("had_totp").GetBoolean());
        Assert.DoesNotContain("totp_secret_sealed\":\"", await StoredUserAsync("bob"), StringComparison.Ordinal);

        using (var again = new Browser(Server))
        {
            await AssertRefusedAsync(await again.LoginAsync("bob", Password, await Oathtool.CodeAsync(secret, DateTimeOffset.UtcNow.AddSeconds(30))), "totp_enrolment_required");
        }

        (exit, _, error) = await RunCliAsync("users", "reset-totp", "nobody");
        Assert.NotEqual(0, exit);
        Assert.Contains("user 'nobody' not found", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Users_add_with_require_totp_through_the_admin_api_and_lifted_with_false()
    {
        using (var added = await Admin.SendAsync(HttpMethod.Post, "users", JsonContent.Create(new { name = "dave", password = Password, roles = new[] { "access" }, require_totp = true })))
        {
            Assert.True(added.IsSuccessStatusCode, await added.Content.ReadAsStringAsync());
        }

        using var browser = new Browser(Server);
        await AssertRefusedAsync(await browser.LoginAsync("dave", Password), "totp_enrolment_required");

        var (exit, _, error) = await RunCliAsync("users", "update", "dave", "--require-totp", "false");
        Assert.True(exit == 0, error);
        using var signedIn = await browser.LoginAsync("dave", Password);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
    }

    [Fact]
    public async Task A_plain_secret_left_by_an_older_store_is_sealed_at_start_and_still_signs_in()
    {
        await Admin.AddUserAsync("erin", Password, ["access"]);
        const string Secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        var record = JsonNodeOf(await StoredUserAsync("erin"));
        record["spec"]!["totp_secret"] = Secret;
        await Server.Host.Store.PutAsync("/users/erin", Encoding.UTF8.GetBytes(record.ToJsonString()), null, CancellationToken.None);

        await RestartAsync();

        var stored = await StoredUserAsync("erin");
        Assert.DoesNotContain(Secret, stored, StringComparison.Ordinal);
        Assert.Contains("totp_secret_sealed\":\"", stored, StringComparison.Ordinal);

        using var browser = new Browser(Server);
        await AssertRefusedAsync(await browser.LoginAsync("erin", Password), "otp_required");
        using var signedIn = await browser.LoginAsync("erin", Password, await Oathtool.CodeAsync(Secret));
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
    }

    private async Task<JsonElement> EnrolInChromiumAsync(string user)
    {
        var request = JsonSerializer.Serialize(new { loginUrl = Server.BaseUrl + "/web/login", username = user, password = Password });
        var (exit, answer) = await NodeScript.RunAsync("totp-enrol.mjs", null, request);
        Assert.True(exit == 0, answer.ToString());
        return answer;
    }

    private static async Task<JsonElement> AssertRefusedAsync(HttpResponseMessage response, string reason)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, text);
            var body = JsonDocument.Parse(text).RootElement.Clone();
            Assert.Equal(reason, body.GetProperty("reason").GetString());
            return body;
        }
    }

    private static Task<HttpResponseMessage> PostCodeAsync(Browser browser, string page, string code) =>
        browser.Http.PostAsync(browser.WebAddress + "/web/account/totp", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_csrf"] = CsrfField().Match(page).Groups[1].Value,
            ["code"] = code,
        }));

    private async Task<string> StoredUserAsync(string name)
    {
        var item = await Server.Host.Store.GetAsync("/users/" + name, CancellationToken.None);
        Assert.NotNull(item);
        return Encoding.UTF8.GetString(item.Value.Span);
    }

    private static System.Text.Json.Nodes.JsonNode JsonNodeOf(string json) => System.Text.Json.Nodes.JsonNode.Parse(json)!;

    // The whole SQLite database, write-ahead log included, read as bytes: no copy of the seed in any row, live or old.
    private bool StoreFilesContain(string text)
    {
        var needle = Encoding.ASCII.GetBytes(text);
        foreach (var file in Directory.EnumerateFiles(DataDir.Path, "postern.db*"))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            if (copy.ToArray().AsSpan().IndexOf(needle) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private async Task<(int Exit, string Output, string Error)> RunCliAsync(params string[] args)
    {
        var config = DataDir.File("postern-cli.yaml");
        File.WriteAllText(config, $"data_dir: {DataDir.Path}\n");
        return await PosternProcess.RunCliAsync(null, [.. args, "--config", config]);
    }

    [GeneratedRegex("name=\"_csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();

    [GeneratedRegex("id=\"totp-secret\">([A-Z2-7]+)<")]
    private static partial Regex SecretShown();

    [GeneratedRegex("<li><code>[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}</code></li>")]
    private static partial Regex RecoveryCodeShown();
}
