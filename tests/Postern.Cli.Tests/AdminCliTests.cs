using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Postern.Cli;
using Postern.Testing;

namespace Postern.Cli.Tests;

/// <summary>The admin commands against a running server, found through <c>--config</c> and <c>data_dir/admin.json</c>.</summary>
public sealed partial class AdminCliTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private TestPostern _server = null!;
    private string _config = null!;

    public async Task InitializeAsync()
    {
        _server = await TestPostern.StartAsync(_dir.Path);
        _config = _dir.File("postern.yaml");
        File.WriteAllText(_config, $"data_dir: {_dir.Path}\n");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await PosternCli.CreateRootCommand().Parse([.. args, "--config", _config]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Ca_ls_shows_both_authorities_and_a_refused_rotation_prints_why_and_exits_non_zero()
    {
        var (exit, output, error) = await RunAsync("ca", "ls");
        Assert.True(exit == 0, error);
        var kid = _server.Host.Authorities.Get(Postern.Authority.CertAuthorityType.Workload).SigningKid;
        Assert.Contains("jwt: phase standby, new keys RS256", output, StringComparison.Ordinal);
        Assert.Contains("workload: phase standby, new keys RS256", output, StringComparison.Ordinal);
        Assert.Contains($"  {kid}  RS256  signing   in store, created ", output, StringComparison.Ordinal);

        (exit, _, error) = await RunAsync("ca", "rotate", "--type", "workload", "--grace", "5m");
        Assert.NotEqual(0, exit);
        Assert.Contains("a grace period of 5m is too short for the workload authority (at least 1h1m)", error, StringComparison.Ordinal);

        (exit, _, error) = await RunAsync("ca", "rotate", "--type", "ssh");
        Assert.NotEqual(0, exit);
        Assert.Contains("ssh", error, StringComparison.Ordinal);
        Assert.Equal(kid, _server.Host.Authorities.Get(Postern.Authority.CertAuthorityType.Workload).SigningKid);
        Assert.Equal(Postern.Authority.RotationPhase.Standby, _server.Host.Authorities.Get(Postern.Authority.CertAuthorityType.Workload).Document.Phase);
    }

    [Fact]
    public async Task Users_add_with_password_stdin_makes_a_user_who_can_sign_in()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "postern.dll"), "users", "add", "alice", "--roles", "access", "--traits", "logins=alice,root", "--password-stdin", "--config", _config })
        {
            start.ArgumentList.Add(arg);
        }

        using (var process = Process.Start(start)!)
        {
            await process.StandardInput.WriteLineAsync("a long enough password");
            process.StandardInput.Close();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(process.ExitCode == 0, await process.StandardError.ReadToEndAsync());
        }

        using var browser = new Browser(_server);
        using var login = await browser.LoginAsync("alice", "a long enough password");
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);

        var (exit, output, _) = await RunAsync("users", "ls", "--format", "json");
        Assert.Equal(0, exit);
        var alice = JsonDocument.Parse(output).RootElement.EnumerateArray().Single(u => u.GetProperty("name").GetString() == "alice");
        Assert.Equal("root", alice.GetProperty("traits").GetProperty("logins")[1].GetString());
        Assert.DoesNotContain("password", output.Replace("has_password", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Users_add_without_a_password_prints_a_one_time_sign_up_link_that_sets_one()
    {
        var (exit, output, error) = await RunAsync("users", "add", "bob", "--roles", "access", "--format", "json");
        Assert.True(exit == 0, error);
        var link = JsonDocument.Parse(output).RootElement.GetProperty("signup_url").GetString()!;
        var path = new Uri(link).PathAndQuery;

        using var browser = new Browser(_server, followRedirects: false);
        var page = await browser.Http.GetStringAsync(browser.WebAddress + path);
        var csrf = CsrfField().Match(page).Groups[1].Value;
        var token = new Uri(link).Query.Split("token=")[1];
        using var weak = await browser.Http.PostAsync(browser.WebAddress + "/web/signup", new FormUrlEncodedContent(new Dictionary<string, string> { ["_csrf"] = csrf, ["token"] = token, ["password"] = "short", ["confirm"] = "short" }));
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        using var set = await browser.Http.PostAsync(browser.WebAddress + "/web/signup", new FormUrlEncodedContent(new Dictionary<string, string> { ["_csrf"] = csrf, ["token"] = token, ["password"] = "bob's long password", ["confirm"] = "bob's long password" }));
        Assert.Equal(HttpStatusCode.SeeOther, set.StatusCode);
        using var reuse = await browser.Http.GetAsync(browser.WebAddress + path);
        Assert.Equal(HttpStatusCode.NotFound, reuse.StatusCode);

        using var login = await browser.LoginAsync("bob", "bob's long password");
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task Create_get_and_rm_act_on_stored_resources()
    {
        var file = _dir.File("dev.yaml");
        File.WriteAllText(file, """
            kind: role
            version: v1
            metadata: {name: dev-apps}
            spec:
              allow:
                app_labels: {env: [dev]}
            ---
            kind: app
            version: v1
            metadata: {name: whoami, labels: {env: dev}}
            spec:
              uri: http://127.0.0.1:8081
              public_addr: whoami.localhost
            """);

        var (exit, output, error) = await RunAsync("create", "-f", file);
        Assert.True(exit == 0, error);
        Assert.Contains("role/dev-apps created", output, StringComparison.Ordinal);
        Assert.Contains("app/whoami created", output, StringComparison.Ordinal);

        (exit, output, _) = await RunAsync("get", "role", "dev-apps");
        Assert.Equal(0, exit);
        Assert.Contains("name: dev-apps", output, StringComparison.Ordinal);

        (exit, output, _) = await RunAsync("get", "role");
        Assert.Contains("name: access", output, StringComparison.Ordinal);

        (exit, _, _) = await RunAsync("rm", "app/whoami");
        Assert.Equal(0, exit);
        (exit, _, error) = await RunAsync("get", "app", "whoami");
        Assert.Equal(1, exit);
        Assert.Contains("not found", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_resource_file_is_refused_with_its_name_and_the_path_of_every_error_and_writes_nothing()
    {
        var file = _dir.File("bad.yaml");
        File.WriteAllText(file, """
            kind: role
            version: v1
            metadata: {name: good-role}
            spec: {allow: {app_labels: {env: [dev]}}}
            ---
            kind: app
            version: v1
            metadata: {name: broken}
            spec:
              uri: http://127.0.0.1:8081
              public_addr: broken.localhost
              rewrite:
                headers: ["X-Team: {{external.team}"]
            """);

        var (exit, _, error) = await RunAsync("create", "-f", file);

        Assert.Equal(2, exit);
        Assert.Contains("bad.yaml", error, StringComparison.Ordinal);
        Assert.Contains("{{external.team}", error, StringComparison.Ordinal);
        (exit, _, _) = await RunAsync("get", "role", "good-role");
        Assert.Equal(1, exit);
    }

    [Fact]
    public async Task Create_refuses_a_workload_rule_on_the_executable_alone_and_accepts_it_with_a_uid()
    {
        var file = _dir.File("exe.yaml");
        const string Identity = """
            kind: workload_identity
            version: v1
            metadata: {name: curl}
            spec:
              spiffe: {id: /svc/curl}
              rules:
                allow:
                  - conditions:
                      - {attribute: workload.unix.exe, equals: /usr/bin/curl}
            """;
        File.WriteAllText(file, Identity);

        var (exit, _, error) = await RunAsync("create", "-f", file);

        Assert.Equal(2, exit);
        Assert.Contains("spec.rules.allow[0].conditions: a rule on the executable (workload.unix.exe, workload.unix.exe_sha256) must also have a condition on workload.unix.uid or workload.unix.gid", error, StringComparison.Ordinal);

        File.WriteAllText(file, Identity + "\n          - {attribute: workload.unix.uid, equals: \"1000\"}\n");
        (exit, _, error) = await RunAsync("create", "-f", file);
        Assert.True(exit == 0, error);
    }

    [Fact]
    public async Task Audit_search_prints_one_JSON_event_per_line_with_type_and_time()
    {
        await RunAsync("users", "add", "carol", "--roles", "access");
        using var browser = new Browser(_server);
        using var _ = await browser.LoginAsync("carol", "wrong password!");

        var (exit, output, error) = await RunAsync("audit", "search", "--type", "user.login", "--since", "1h", "--format", "json");

        Assert.True(exit == 0, error);
        var events = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.Equal("user.login", e.GetProperty("type").GetString()));
        Assert.Contains(events, e => e.GetProperty("user").GetString() == "carol" && e.TryGetProperty("time", out var time));
    }

    [Fact]
    public async Task Bots_token_prints_another_join_token_for_a_bot_that_exists_and_refuses_one_that_does_not()
    {
        var file = _dir.File("bot.yaml");
        File.WriteAllText(file, WorkloadPolicy.ByUid() + """
            ---
            kind: bot
            version: v1
            metadata: {name: from-file}
            spec:
              roles: [workload]
            """);
        var (exit, _, error) = await RunAsync("create", "-f", file);
        Assert.True(exit == 0, error);

        // A bot stored from a file has had no join token yet; `bots token` makes one, and again for a second agent.
        var tokens = new List<string>();
        foreach (var ttl in new[] { "10m", "2h" })
        {
            (exit, var output, error) = await RunAsync("bots", "token", "from-file", "--ttl", ttl, "--labels", "site=b", "--format", "json");
            Assert.True(exit == 0, error);
            var answer = JsonDocument.Parse(output).RootElement;
            Assert.Equal("from-file", answer.GetProperty("name").GetString());
            var expires = answer.GetProperty("expires").GetDateTimeOffset();
            Assert.True(Durations.TryParse(ttl, out var lifetime, out _));
            Assert.InRange(expires - DateTimeOffset.UtcNow, lifetime - TimeSpan.FromMinutes(1), lifetime);
            tokens.Add(answer.GetProperty("token").GetString()!);
        }

        Assert.NotEqual(tokens[0], tokens[1]);
        var (_, text, _) = await RunAsync("bots", "token", "from-file");
        Assert.StartsWith("Another one-time join token for bot 'from-file' (valid until ", text, StringComparison.Ordinal);

        (exit, _, error) = await RunAsync("bots", "token", "nobody");
        Assert.NotEqual(0, exit);
        Assert.Contains("bot 'nobody' does not exist", error, StringComparison.Ordinal);

        (exit, _, error) = await RunAsync("bots", "token", "from-file", "--labels", "no-equals");
        Assert.NotEqual(0, exit);
        Assert.Contains("--labels 'no-equals' is not KEY=VALUE", error, StringComparison.Ordinal);

        (exit, _, error) = await RunAsync("bots", "add", "from-file", "--roles", "workload");
        Assert.NotEqual(0, exit);
        Assert.Contains("`postern bots token from-file` makes another join token for it", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_commands_without_a_running_server_say_where_they_looked()
    {
        var other = _dir.File("other.yaml");
        File.WriteAllText(other, $"data_dir: {_dir.File("nothing-here")}\n");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await PosternCli.CreateRootCommand().Parse(["users", "ls", "--config", other]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });

        Assert.Equal(1, exit);
        Assert.Contains("admin.json", error.ToString(), StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"_csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();
}
