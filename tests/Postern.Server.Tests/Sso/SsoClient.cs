using System.Net;
using System.Text.RegularExpressions;
using Postern.Testing;

namespace Postern.Server.Tests.Sso;

/// <summary>
/// A scripted browser for sign-in through an identity provider: an <see cref="HttpClient"/> with a cookie container
/// that follows redirects itself (so a test can stop before one) and fills in and posts the provider's login and
/// consent forms on the way.
/// </summary>
internal sealed partial class SsoClient(TestPostern server) : IDisposable
{
    public Browser Browser { get; } = new(server, followRedirects: false);

    /// <summary>
    /// Goes to <paramref name="url"/> and on, through redirects and the provider's forms (signing in as
    /// <paramref name="login"/>), until a page that is neither, or until <paramref name="stopBefore"/> says the next
    /// address is where to stop.
    /// </summary>
    public async Task<SsoStep> GoAsync(string url, string login, Func<Uri, bool>? stopBefore = null)
    {
        var uri = new Uri(url);
        var response = await Browser.GetAsync(uri.ToString());
        for (var hops = 0; hops < 40; hops++)
        {
            if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                var next = location.IsAbsoluteUri ? location : new Uri(uri, location);
                response.Dispose();
                if (stopBefore?.Invoke(next) == true)
                {
                    return new SsoStep(next, null, "");
                }

                uri = next;
                response = await Browser.GetAsync(next.ToString());
                continue;
            }

            var body = await response.Content.ReadAsStringAsync();
            if (uri.Port != Browser.Port && FormAction().Match(body) is { Success: true } form)
            {
                var fields = Inputs().Matches(body).ToDictionary(m => m.Groups["name"].Value, m => WebUtility.HtmlDecode(m.Groups["value"].Value));
                if (fields.ContainsKey("login"))
                {
                    fields["login"] = login;
                    fields["password"] = "any password will do";
                }

                response.Dispose();
                uri = new Uri(uri, WebUtility.HtmlDecode(form.Groups["action"].Value));
                response = await Browser.Http.PostAsync(uri, new FormUrlEncodedContent(fields));
                continue;
            }

            return new SsoStep(uri, response, body);
        }

        throw new InvalidOperationException("more than 40 steps without reaching a page");
    }

    /// <summary>Signs in through <paramref name="connector"/> from the start of an app, as a person would: the app, the login page, its button, the provider.</summary>
    public async Task<SsoStep> OpenAppAsync(string appHost, string connector, string login)
    {
        var loginPage = await GoAsync(Browser.AppUrl(appHost), login);
        using (loginPage.Response)
        {
            var button = ConnectorButton().Matches(loginPage.Body).FirstOrDefault(m => m.Groups["name"].Value == connector);
            Assert.True(button is not null, "no button for the connector on " + loginPage.Url + ": " + loginPage.Body);
            return await GoAsync(Browser.WebAddress + WebUtility.HtmlDecode(button.Groups["href"].Value), login);
        }
    }

    /// <summary>Whether the browser holds a web session cookie.</summary>
    public bool HasWebSession => Browser.Cookie(Browser.WebAddress, "__Host-postern_session") is not null;

    public void Dispose() => Browser.Dispose();

    [GeneratedRegex("<form[^>]*action=\"(?<action>[^\"]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex FormAction();

    [GeneratedRegex("<input[^>]*name=\"(?<name>[^\"]+)\"(?:[^>]*value=\"(?<value>[^\"]*)\")?", RegexOptions.IgnoreCase)]
    private static partial Regex Inputs();

    [GeneratedRegex("data-connector=\"(?<name>[^\"]+)\" href=\"(?<href>[^\"]+)\"")]
    private static partial Regex ConnectorButton();
}

/// <summary>Where a scripted sign-in stopped: a page (with its response and body), or the address it was about to go to.</summary>
internal sealed record SsoStep(Uri Url, HttpResponseMessage? Response, string Body);
