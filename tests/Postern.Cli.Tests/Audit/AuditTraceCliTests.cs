using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Postern.Cli.Tests.Infrastructure;
using Postern.Testing;

namespace Postern.Cli.Tests.Audit;

/// <summary>
/// <c>postern audit trace JTI</c> against a running server: a user signs in with a password, opens an app through the
/// proxy, and the <c>jti</c> of the assertion the app received leads to the app session and to that sign-in.
/// </summary>
public sealed class AuditTraceCliTests : IAsyncLifetime
{
    private CliServer _cli = null!;

    public async Task InitializeAsync() =>
        _cli = await CliServer.StartAsync("  - name: whoami\n    uri: {upstream}\n    public_addr: whoami.localhost\n");

    public async Task DisposeAsync() => await _cli.DisposeAsync();

    [Fact]
    public async Task The_jti_an_app_received_traces_to_its_mint_its_app_session_and_the_sign_in_that_opened_it()
    {
        var jti = await OpenAppAsync();

        var (exit, output, error) = await RunAsync("audit", "trace", jti);

        Assert.True(exit == 0, error + output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("assertion ", lines[0], StringComparison.Ordinal);
        Assert.Contains($"jti={jti}", lines[0], StringComparison.Ordinal);
        Assert.Contains("app.assertion.issued", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("app session ", lines[1], StringComparison.Ordinal);
        Assert.Contains("app.session.start", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("sign-in ", lines[2], StringComparison.Ordinal);
        Assert.Contains("user.login", lines[2], StringComparison.Ordinal);
        Assert.Contains("success=true", lines[2], StringComparison.Ordinal);

        // Each link is the same reference on both sides: the app session's, then the web session's.
        var appSession = Field(lines[0], "session");
        Assert.Equal(appSession, Field(lines[1], "session"));
        Assert.Equal(Field(lines[1], "web_session"), Field(lines[2], "session"));
        Assert.Equal(12, Field(lines[2], "session").Length);
    }

    [Fact]
    public async Task An_unknown_jti_is_named_and_the_exit_code_is_not_zero()
    {
        var (exit, output, error) = await RunAsync("audit", "trace", "no-such-token-id");

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains("no app.assertion.issued event has jti=no-such-token-id", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sign_in_missing_from_the_log_is_named_as_the_missing_link_after_the_links_that_were_found()
    {
        var jti = await OpenAppAsync();
        var (_, found, _) = await RunAsync("audit", "trace", jti);
        var webSession = Field(found.Split('\n')[1], "web_session");
        // The sign-in's record now names another session: the link from the app session to it is gone.
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(_cli.DataDir, "postern.db")};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var update = connection.CreateCommand();
            update.CommandText = "UPDATE audit_events SET line = CAST(replace(CAST(line AS TEXT), $from, $to) AS BLOB) WHERE type = 'user.login'";
            update.Parameters.AddWithValue("$from", $"\"session\":\"{webSession}\"");
            update.Parameters.AddWithValue("$to", "\"session\":\"AAAAAAAAAAAA\"");
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        var (exit, output, error) = await RunAsync("audit", "trace", jti);

        Assert.Equal(1, exit);
        Assert.Equal(2, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains($"no user.login event has session={webSession}: the link from the app session to the sign-in", error, StringComparison.Ordinal);
    }

    /// <summary>Signs alice in, opens the app through the proxy and returns the <c>jti</c> of the assertion the app got.</summary>
    private async Task<string> OpenAppAsync()
    {
        using var browser = new Browser(_cli.Server);
        using (var login = await browser.LoginAsync("alice", CliServer.Password))
        {
            Assert.True(login.IsSuccessStatusCode, await login.Content.ReadAsStringAsync());
        }

        using (var open = await browser.GetAsync(browser.AppUrl("whoami.localhost")))
        {
            Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        }

        var token = _cli.Upstream.Last.Header("Teleport-Jwt-Assertion")!;
        using var payload = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[1]));
        return payload.RootElement.GetProperty("jti").GetString()!;
    }

    private static string Field(string line, string name) =>
        line.Split(' ').Single(part => part.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..];

    private Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) => _cli.RunAsync(args);
}
