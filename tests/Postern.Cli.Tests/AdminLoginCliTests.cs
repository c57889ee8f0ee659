using System.Diagnostics;
using System.Text.Json;
using Postern.Testing;

namespace Postern.Cli.Tests;

/// <summary>
/// <c>postern login</c> from a person's own folder, away from the server's data folder: the admin commands act as that
/// user, by its roles' rules, until <c>postern logout</c>. Each command is its own <c>postern</c> process.
/// </summary>
public sealed class AdminLoginCliTests : IAsyncLifetime
{
    private const string Password = "correct-horse-battery-staple-42";

    private readonly TempDir _serverDir = new();
    private readonly TempDir _laptop = new();
    private TestPostern _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestPostern.StartAsync(_serverDir.Path);
        var local = new AdminApi(_server);
        await local.AddUserAsync("ed", Password, ["editor"]);
        await local.AddUserAsync("aud", Password, ["auditor"]);
        await local.AddUserAsync("acc", Password, ["access"]);
        File.Copy(_server.CertificatePath, Path.Combine(_laptop.Path, "postern.pem"));
        File.WriteAllText(Path.Combine(_laptop.Path, "password"), Password + "\n");
        File.WriteAllText(Path.Combine(_laptop.Path, "role.yaml"), "kind: role\nversion: v1\nmetadata: { name: dev }\nspec:\n  allow: { logins: [dev], rules: [{ resources: [app], verbs: [list, read] }] }\n");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _serverDir.Dispose();
        _laptop.Dispose();
    }

    [Fact]
    public async Task An_editor_changes_things_an_auditor_sees_who_did_it_and_a_user_with_access_only_is_refused_every_command()
    {
        var home = Path.Combine(_laptop.Path, "home");
        await LoginAsync(home, "ed");
        var profile = Path.Combine(home, "profile.json");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(profile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(home));

        var (exit, output, error) = await CliAsync(home, "users", "add", "frank", "--roles", "access");
        Assert.True(exit == 0, output + error);
        (exit, output, error) = await CliAsync(home, "create", "-f", "role.yaml");
        Assert.True(exit == 0, output + error);
        Assert.Contains("role/dev created", output, StringComparison.Ordinal);
        (exit, _, error) = await CliAsync(home, "audit", "search");
        Assert.Equal(4, exit);
        Assert.Contains("role rules allow no `read` on `audit`", error, StringComparison.Ordinal);

        // get role --format json parses with jq, an independent JSON reader.
        (exit, output, error) = await CliAsync(home, "get", "role", "dev", "--format", "json");
        Assert.True(exit == 0, error);
        Assert.Equal("dev\napp\n", await JqAsync(".metadata.name, .spec.allow.rules[0].resources[0]", output));

        (exit, output, error) = await CliAsync(home, "users", "ls", "--format", "yaml");
        Assert.True(exit == 0, error);
        Assert.Contains("- name: \"frank\"\n  roles:\n  - \"access\"\n", output, StringComparison.Ordinal);

        (exit, output, _) = await CliAsync(home, "status");
        Assert.Equal(0, exit);
        Assert.Contains("User:    ed", output, StringComparison.Ordinal);
        Assert.Contains("Roles:   editor", output, StringComparison.Ordinal);
        (exit, output, _) = await CliAsync(home, "logout");
        Assert.True(exit == 0, output);
        (exit, output, _) = await CliAsync(home, "status");
        Assert.Equal(1, exit);
        Assert.Contains("Not logged in", output, StringComparison.Ordinal);
        Assert.False(File.Exists(profile));

        await LoginAsync(home, "aud");
        (exit, output, error) = await CliAsync(home, "audit", "search", "--format", "json");
        Assert.True(exit == 0, error);
        var events = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Contains(events, e => e.GetProperty("type").GetString() == "user.create" && e.GetProperty("user").GetString() == "frank" && e.GetProperty("actor").GetProperty("name").GetString() == "ed");
        Assert.Contains(events, e => e.GetProperty("type").GetString() == "resource.create" && e.GetProperty("name").GetString() == "dev" && e.GetProperty("actor").GetProperty("name").GetString() == "ed");
        (exit, output, error) = await CliAsync(home, "audit", "search", "--actor", "ed", "--format", "json");
        Assert.True(exit == 0, error);
        var byEd = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.NotEmpty(byEd);
        Assert.All(byEd, e => Assert.Equal("ed", e.GetProperty("actor").GetProperty("name").GetString()));
        Assert.Equal(events.Count(e => e.TryGetProperty("actor", out var a) && a.ValueKind == JsonValueKind.Object && a.GetProperty("name").GetString() == "ed"), byEd.Count);
        (exit, _, error) = await CliAsync(home, "users", "rm", "frank");
        Assert.Equal(4, exit);
        Assert.Contains("role rules allow no `delete` on `user`", error, StringComparison.Ordinal);
        Assert.Equal(0, (await CliAsync(home, "logout")).Exit);

        await LoginAsync(home, "acc");
        string[][] commands =
        [
            ["users", "ls"], ["users", "add", "gina", "--roles", "access"], ["users", "update", "frank", "--roles", "editor"], ["users", "rm", "frank"],
            ["users", "reset-totp", "frank"], ["create", "-f", "role.yaml"], ["get", "role"], ["get", "role", "dev"], ["rm", "role/dev"],
            ["lock", "user/frank"], ["unlock", "user/frank"], ["locks"], ["audit", "search"], ["bots", "ls"], ["bots", "add", "ci", "--roles", "access"],
            ["bots", "token", "ci"], ["bots", "rm", "ci"], ["ca", "ls"], ["ca", "rotate", "--type", "jwt"],
        ];
        foreach (var command in commands)
        {
            (exit, output, error) = await CliAsync(home, command);
            Assert.True(exit == 4 && error.Contains("role rules allow no", StringComparison.Ordinal), $"postern {string.Join(' ', command)}: exit {exit}: {output}{error}");
        }

        using var users = await new AdminApi(_server).SendAsync(HttpMethod.Get, "users");
        var names = JsonDocument.Parse(await users.Content.ReadAsStringAsync()).RootElement.EnumerateArray().Select(u => u.GetProperty("name").GetString()).ToList();
        Assert.Contains("frank", names);
        Assert.DoesNotContain("gina", names);
    }

    private async Task LoginAsync(string home, string user)
    {
        var (exit, output, error) = await CliAsync(home, "login", "--proxy", _server.BaseUrl, "--user", user, "--password-file", "password", "--ca-file", "postern.pem");
        Assert.True(exit == 0, output + error);
        Assert.Contains($"Logged in as {user}", output, StringComparison.Ordinal);
    }

    private Task<(int Exit, string Output, string Error)> CliAsync(string home, params string[] args) =>
        PosternProcess.RunCliInAsync(_laptop.Path, home, null, args);

    private static async Task<string> JqAsync(string filter, string json)
    {
        var start = new ProcessStartInfo("jq") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-r");
        start.ArgumentList.Add(filter);
        using var jq = Process.Start(start)!;
        await jq.StandardInput.WriteAsync(json);
        jq.StandardInput.Close();
        var output = await jq.StandardOutput.ReadToEndAsync();
        var error = await jq.StandardError.ReadToEndAsync();
        await jq.WaitForExitAsync();
        Assert.True(jq.ExitCode == 0, $"jq: {error}\n{json}");
        return output;
    }
}
