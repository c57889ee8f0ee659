using System.Globalization;
using Microsoft.Extensions.Logging;
using Postern.Server.Tests.Infrastructure;
using Postern.Testing;

namespace Postern.Server.Tests.AppAccess;

/// <summary>
/// The attacker's view of the app door: headers a client forges to pass for someone else, another address or another
/// URL never reach the app, in whatever spelling; the app sees Postern's own values exactly once. The upstream is
/// Node's <c>http</c> module, which reports header lines as they arrived.
/// </summary>
public sealed class HeaderHygieneTests(HeaderHygieneFixture fixture) : IClassFixture<HeaderHygieneFixture>
{
    /// <summary>Headers Postern sets itself: each must arrive exactly once, with Postern's value.</summary>
    private static readonly string[] PosternSets =
        ["teleport-jwt-assertion", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "x-logins", "x-team", "authorization"];

    /// <summary>Every forged header (name, value); the value appears nowhere in what the app receives.</summary>
    private static readonly (string Name, string Value)[] Forged =
    [
        ("Teleport-Jwt-Assertion", "forged.assertion.value"),
        ("X-Webauth-User", "admin-forged"), // its rule names a trait alice does not have, so renders nothing
        ("X-Logins", "admin-forged"),
        ("X-Team", "team=forged"),
        ("Authorization", "Bearer forged-token"),
        ("X-Original-URL", "/admin-forged"),
        ("X-Rewrite-URL", "/admin-forged"),
        ("X-Forwarded-Prefix", "/evil-forged"),
        ("X-Forwarded-For", "6.6.6.6"),
        ("X-Forwarded-Host", "evil-forged.example"),
        ("X-Forwarded-Proto", "gopher-forged"),
        ("X-Forwarded-Port", "6666"),
        ("X-Forwarded-Server", "evil-forged.example"),
        ("Forwarded", "for=6.6.6.6;host=evil-forged.example"),
        ("X-Real-IP", "6.6.6.6"),
        ("X-Client-IP", "6.6.6.6"),
        ("True-Client-IP", "6.6.6.6"),
        ("CF-Connecting-IP", "6.6.6.6"),
        ("X-Postern-User", "admin-forged"),
    ];

    public static TheoryData<string, string[], string> ForgedRows()
    {
        var rows = new TheoryData<string, string[], string>();
        foreach (var (name, value) in Forged)
        {
            rows.Add($"{name} as written", [$"{name}: {value}"], value);
            rows.Add($"{name} upper case", [$"{name.ToUpperInvariant()}: {value}"], value);
            rows.Add($"{name} lower case", [$"{name.ToLowerInvariant()}: {value}"], value);
            rows.Add($"{name} mixed case", [$"{Mixed(name)}: {value}"], value);
            rows.Add($"{name} repeated", [$"{name}: {value}", $"{name.ToLowerInvariant()}: {value}"], value);
            if (name.Contains('-', StringComparison.Ordinal))
            {
                rows.Add($"{name} with _ for -", [$"{name.Replace('-', '_')}: {value}"], value);
                rows.Add($"{name} with _ for -, lower case, repeated", [$"{name.Replace('-', '_')}: {value}", $"{name.Replace('-', '_').ToLowerInvariant()}: {value}"], value);
            }
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(ForgedRows))]
    public async Task A_forged_header_never_reaches_the_app_and_the_real_assertion_arrives_once(string row, string[] lines, string forgedValue)
    {
        var url = "/forged/" + string.Concat(row.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-'));

        var response = await fixture.SendAsync("alice", url, lines);

        Assert.Equal(200, response.Status);
        var received = await fixture.ReceivedAsync(url);
        Assert.DoesNotContain(received, h => h.Value.Contains(forgedValue, StringComparison.Ordinal));
        Assert.DoesNotContain(received, h => h.Name.Contains('_', StringComparison.Ordinal));
        var forgedName = Normalized(lines[0].Split(':')[0]);
        if (!PosternSets.Contains(forgedName))
        {
            Assert.DoesNotContain(received, h => Normalized(h.Name) == forgedName);
        }

        foreach (var name in PosternSets)
        {
            Assert.Single(received, h => Normalized(h.Name) == name);
        }

        var assertion = received.Single(h => Normalized(h.Name) == "teleport-jwt-assertion").Value;
        var verified = await fixture.VerifyAsync(assertion);
        Assert.True(verified.IsValid, verified.Message);
        Assert.Equal("alice", verified.Subject);
        Assert.Equal("Bearer " + assertion, Value(received, "authorization"));
        Assert.Equal("127.0.0.1", Value(received, "x-forwarded-for"));
        Assert.Equal("https", Value(received, "x-forwarded-proto"));
    }

    [Fact]
    public async Task X_Forwarded_Host_and_Port_come_from_the_apps_public_address_not_the_clients_Host_port()
    {
        const string Url = "/forwarded-host";

        var response = await fixture.SendAsync("alice", Url, [], host: "echo.localhost:1");

        Assert.Equal(200, response.Status);
        var received = await fixture.ReceivedAsync(Url);
        var port = fixture.Port.ToString(CultureInfo.InvariantCulture);
        Assert.Equal($"echo.localhost:{port}", Value(received, "x-forwarded-host"));
        Assert.Equal(port, Value(received, "x-forwarded-port"));
        Assert.Equal("https", Value(received, "x-forwarded-proto"));
    }

    [Fact]
    public async Task From_an_untrusted_peer_the_clients_X_Forwarded_For_is_not_taken()
    {
        const string Url = "/untrusted-peer";

        await fixture.SendAsync("alice", Url, ["X-Forwarded-For: 6.6.6.6, 203.0.113.7, 10.1.2.3"]);

        Assert.Equal("127.0.0.1", Value(await fixture.ReceivedAsync(Url), "x-forwarded-for"));
    }

    [Fact]
    public async Task From_a_trusted_peer_the_right_most_untrusted_address_of_X_Forwarded_For_is_the_client()
    {
        using var dir = new TempDir();
        await using var server = await TestPostern.StartAsync(dir.Path, "trusted_proxies: [127.0.0.1/32, 10.0.0.0/8]\n" + HeaderHygieneFixture.AppsYaml(fixture.UpstreamAddress));
        await new AdminApi(server).AddUserAsync("alice", HeaderHygieneFixture.Password, ["access"]);
        using var browser = new Browser(server);
        using (var login = await browser.LoginAsync("alice", HeaderHygieneFixture.Password))
        {
            Assert.True(login.IsSuccessStatusCode);
        }

        using (await browser.GetAsync(browser.AppUrl("echo.localhost")))
        {
        }

        var cookie = browser.Cookie(browser.AppUrl("echo.localhost"), "__Host-postern_app")!;
        var port = new Uri(server.BaseUrl).Port;
        var cases = new (string Url, string[] Lines, string Expected)[]
        {
            ("/trusted/chain", ["X-Forwarded-For: 6.6.6.6, 203.0.113.7, 10.1.2.3"], "203.0.113.7"),
            ("/trusted/repeated", ["X-Forwarded-For: 6.6.6.6", "x-forwarded-for: 203.0.113.8"], "203.0.113.8"),
            ("/trusted/none", [], "127.0.0.1"),
            ("/trusted/all-trusted", ["X-Forwarded-For: 10.9.9.9, 10.1.2.3"], "10.9.9.9"),
        };
        foreach (var (url, lines, expected) in cases)
        {
            var response = await RawHttps.SendAsync(port, tls: true, "GET", url, [$"Host: echo.localhost:{port}", $"Cookie: __Host-postern_app={cookie}", .. lines]);
            Assert.Equal(200, response.Status);
            var received = await fixture.ReceivedAsync(url);
            Assert.Equal(expected, Value(received, "x-forwarded-for"));
        }
    }

    [Fact]
    public async Task Trait_values_holding_a_separator_are_refused_and_logged_and_the_others_are_one_list()
    {
        const string Url = "/separators";

        await fixture.SendAsync("eve", Url, []);

        // eve's logins: eve, "admin,root", "x;y", "q\"z": only eve is sent.
        Assert.Equal("eve", Value(await fixture.ReceivedAsync(Url), "x-logins"));
        var refused = fixture.Logs.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.Contains("X-Logins", StringComparison.Ordinal) && e.Message.Contains("eve", StringComparison.Ordinal)).ToList();
        Assert.Contains(refused, e => e.Message.Contains("','", StringComparison.Ordinal));
        Assert.Contains(refused, e => e.Message.Contains("';'", StringComparison.Ordinal));
        Assert.Contains(refused, e => e.Message.Contains("'\"'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_multi_valued_trait_is_one_header_line_with_its_values_joined_by_comma_space_and_literal_separators_stay()
    {
        const string Url = "/multi-valued";

        await fixture.SendAsync("alice", Url, []);

        var received = await fixture.ReceivedAsync(Url);
        Assert.Equal("alice, root", Value(received, "x-logins"));
        Assert.Equal("team=web; scope=web", Value(received, "x-team"));
    }

    public static TheoryData<string, string, bool> Cookies() => new()
    {
        { "an ordinary app cookie", "app_pref=dark; Path=/", true },
        { "an app cookie on the app's own domain", "mine=1; Domain=echo.localhost; Path=/", true },
        { "an app cookie on the app's own domain, upper case", "mine2=1; domain=ECHO.localhost", true },
        { "Postern's app cookie", "postern_app=evil; Path=/", false },
        { "Postern's app cookie with __Host-", "__Host-postern_app=evil; Path=/; Secure", false },
        { "Postern's web cookie in another case", "Postern_Session=evil", false },
        { "Postern's state cookie with __Secure-", "__Secure-postern_state=evil; Secure", false },
        { "a domain covering every app", "wide=1; Domain=localhost", false },
        { "a domain with a leading dot covering every app", "dot=1; Domain=.localhost", false },
        { "a domain covering the web address", "web=1; Domain=127.0.0.1", false },
        { "another app's domain", "sib=1; Domain=other.localhost", false },
    };

    [Theory]
    [MemberData(nameof(Cookies))]
    public async Task An_upstream_Set_Cookie_reaches_the_browser_only_when_it_is_the_apps_own(string row, string setCookie, bool kept)
    {
        var url = $"/set-cookie?row={Uri.EscapeDataString(row)}&c={Uri.EscapeDataString(setCookie)}";

        var response = await fixture.SendAsync("alice", url, []);

        Assert.Equal(200, response.Status);
        Assert.Equal(kept ? [setCookie] : [], response.All("Set-Cookie").ToArray());
    }

    private static string Normalized(string name) => name.Trim().Replace('_', '-').ToLowerInvariant();

    private static string Value(IReadOnlyList<(string Name, string Value)> received, string name) =>
        Assert.Single(received, h => Normalized(h.Name) == name).Value;

    private static string Mixed(string name) =>
        string.Concat(name.Select((c, i) => i % 2 == 0 ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)));
}
