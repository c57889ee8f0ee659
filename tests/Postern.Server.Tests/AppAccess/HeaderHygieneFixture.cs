using System.Net.Http.Json;
using System.Text.Json;
using Postern.Server.Tests.Infrastructure;
using Postern.Testing;
using Postern.Verification;

namespace Postern.Server.Tests.AppAccess;

/// <summary>
/// One Postern in front of an independent recording upstream (Node's <c>http</c> module,
/// <c>tests/interop/recording-upstream.mjs</c>), with two apps (<c>echo</c> and <c>other</c>), header rules of
/// which one renders nothing, users alice (logins alice, root) and eve (logins holding separators), and every log
/// line the server writes.
/// </summary>
public sealed class HeaderHygieneFixture : IAsyncLifetime
{
    public const string Password = "correct horse battery staple";
    private readonly TempDir _dir = new();
    private readonly Dictionary<string, string> _appCookies = [];
    private JsonWebKeySetCache? _keys;
    private HttpClient? _keysHttp;

    internal NodeService Recorder { get; private set; } = null!;

    internal TestPostern Server { get; private set; } = null!;

    internal AdminApi Admin { get; private set; } = null!;

    internal LogCapture Logs { get; } = new();

    /// <summary>The upstream's address, the apps' <c>uri</c> and so the assertion's audience.</summary>
    public string UpstreamAddress => $"http://127.0.0.1:{Recorder.Ready.GetProperty("port").GetInt32()}";

    public int Port => new Uri(Server.BaseUrl).Port;

    public async Task InitializeAsync()
    {
        Recorder = await NodeService.StartAsync("recording-upstream.mjs", new { });
        Server = await TestPostern.StartAsync(_dir.Path, AppsYaml(UpstreamAddress), logs: Logs);
        Admin = new AdminApi(Server);
        await Admin.AddUserAsync("alice", Password, ["access"], new() { ["logins"] = ["alice", "root"], ["team"] = ["web"] });
        await Admin.AddUserAsync("eve", Password, ["access"], new() { ["logins"] = ["eve", "admin,root", "x;y", "q\"z"] });
        _keysHttp = TestPostern.CreateClient(Server.CertificatePath);
        _keys = new JsonWebKeySetCache(_keysHttp, new Uri(Server.BaseUrl + "/.well-known/jwks.json"), TimeProvider.System);
    }

    /// <summary>The <c>apps</c> section: <c>echo</c> with its header rules, and <c>other</c>, both in front of <paramref name="upstream"/>.</summary>
    internal static string AppsYaml(string upstream) => $$$"""
        apps:
          - name: echo
            uri: {{{upstream}}}
            public_addr: echo.localhost
            rewrite:
              headers:
                - "X-Webauth-User: {{internal.nothing}}"
                - "X-Logins: {{internal.logins}}"
                - "X-Team: team={{internal.team}}; scope=web"
                - "Authorization: Bearer {{internal.jwt}}"
          - name: other
            uri: {{{upstream}}}
            public_addr: other.localhost
        """;

    /// <summary>The value of <paramref name="user"/>'s app session cookie for <c>echo</c>, opened once through the launch flow.</summary>
    internal async Task<string> AppCookieAsync(string user)
    {
        if (_appCookies.TryGetValue(user, out var cookie))
        {
            return cookie;
        }

        using var browser = new Browser(Server);
        using (var login = await browser.LoginAsync(user, Password))
        {
            Assert.True(login.IsSuccessStatusCode, await login.Content.ReadAsStringAsync());
        }

        using (var open = await browser.GetAsync(browser.AppUrl("echo.localhost")))
        {
            Assert.True(open.IsSuccessStatusCode, await open.Content.ReadAsStringAsync());
        }

        cookie = browser.Cookie(browser.AppUrl("echo.localhost"), "__Host-postern_app")!;
        _appCookies[user] = cookie;
        return cookie;
    }

    /// <summary>Sends a request written byte for byte to <c>echo</c> as <paramref name="user"/>, with <paramref name="extraLines"/> after Host and Cookie.</summary>
    internal async Task<RawResponse> SendAsync(string user, string target, IEnumerable<string> extraLines, string? host = null) =>
        await RawHttps.SendAsync(Port, tls: true, "GET", target,
            [$"Host: {host ?? $"echo.localhost:{Port}"}", $"Cookie: __Host-postern_app={await AppCookieAsync(user)}", .. extraLines]);

    /// <summary>What the upstream received for the request whose URL is <paramref name="url"/> (the last one, when repeated).</summary>
    internal async Task<IReadOnlyList<(string Name, string Value)>> ReceivedAsync(string url)
    {
        using var http = new HttpClient();
        var all = await http.GetFromJsonAsync<JsonElement>(UpstreamAddress + "/__recorded");
        var request = all.EnumerateArray().Last(r => r.GetProperty("url").GetString() == url);
        return [.. request.GetProperty("headers").EnumerateArray().Select(h => (h[0].GetString()!, h[1].GetString()!))];
    }

    /// <summary>Validates an assertion for <c>echo</c> with Postern.Verification against the server's key set.</summary>
    internal async Task<(bool IsValid, string? Message, string? Subject)> VerifyAsync(string assertion)
    {
        var validator = new PosternTokenValidator(_keys!, new PosternTokenValidatorOptions { Issuer = "test.example.com", Audiences = [UpstreamAddress] }, TimeProvider.System);
        var result = await validator.ValidateAsync(assertion, CancellationToken.None);
        return (result.IsValid, result.Message, result.Identity?.Subject);
    }

    public async Task DisposeAsync()
    {
        _keysHttp?.Dispose();
        await Server.DisposeAsync();
        await Recorder.DisposeAsync();
        _dir.Dispose();
    }
}
