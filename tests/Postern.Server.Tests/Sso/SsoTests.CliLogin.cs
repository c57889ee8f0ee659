using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Postern.Testing;

namespace Postern.Server.Tests.Sso;

/// <summary><c>postern login --sso</c> end to end: the command, headless Chromium at the provider, the loopback callback.</summary>
public sealed partial class SsoTests
{
    [Fact]
    public async Task Postern_login_sso_signs_in_through_headless_chromium_and_the_admin_commands_then_act_by_the_users_roles()
    {
        using var laptop = new TempDir();
        var home = Path.Combine(laptop.Path, "home");
        File.Copy(Server.CertificatePath, Path.Combine(laptop.Path, "postern.pem"));
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = laptop.Path, RedirectStandardError = true, RedirectStandardOutput = true };
        start.Environment["POSTERN_HOME"] = home;
        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "postern.dll"), "login", "--proxy", Server.BaseUrl, "--sso", "op", "--browser", "none", "--ca-file", "postern.pem"])
        {
            start.ArgumentList.Add(arg);
        }

        using var login = Process.Start(start)!;
        var output = login.StandardOutput.ReadToEndAsync();
        var printed = new List<string>();
        string? url = null;
        while (url is null && await login.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)) is { } line)
        {
            printed.Add(line);
            url = line.Trim().StartsWith(Server.BaseUrl + "/v1/sso/oidc/op/login?", StringComparison.Ordinal) ? line.Trim() : null;
        }

        Assert.True(url is not null, "postern login printed no sign-in address: " + string.Join("\n", printed));
        var rest = login.StandardError.ReadToEndAsync();

        // Something else on the machine calls the callback first, with a code of its own: the command refuses it and waits on.
        var callback = QueryHelpers.ParseQuery(new Uri(url).Query)["client_redirect"].ToString();
        Assert.StartsWith("http://127.0.0.1:", callback, StringComparison.Ordinal);
        using (var http = new HttpClient())
        {
            using var forged = await http.GetAsync(callback + "?code=planted-code&state=not-the-commands-state");
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        var (exit, answer) = await NodeScript.RunAsync("sso-cli-login.mjs", null, JsonSerializer.Serialize(new { url, login = "olga" }));
        Assert.True(exit == 0, answer.ToString());
        Assert.StartsWith(callback + "?code=", answer.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.Contains("Postern received your sign-in", answer.GetProperty("text").GetString(), StringComparison.Ordinal);

        await login.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(login.ExitCode == 0, await output + await rest);
        Assert.Contains("Logged in as olga@example.com (roles: auditor)", await output, StringComparison.Ordinal);
        Assert.Contains("state does not match", await rest, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(home, "profile.json")));

        var (code, text, error) = await PosternProcess.RunCliInAsync(laptop.Path, home, null, "status");
        Assert.True(code == 0, text + error);
        Assert.Contains("User:    olga@example.com", text, StringComparison.Ordinal);
        Assert.Contains("Roles:   auditor", text, StringComparison.Ordinal);
        (code, text, error) = await PosternProcess.RunCliInAsync(laptop.Path, home, null, "audit", "search", "--format", "json");
        Assert.True(code == 0, text + error);
        Assert.Contains("\"client\":\"cli\"", text, StringComparison.Ordinal);
        (code, _, error) = await PosternProcess.RunCliInAsync(laptop.Path, home, null, "users", "add", "mona", "--roles", "access");
        Assert.Equal(4, code);
        Assert.Contains("role rules allow no `create` on `user`", error, StringComparison.Ordinal);
    }
}
