using System.Net.Http.Json;
using Microsoft.AspNetCore.WebUtilities;
using Postern.Admin.Api;
using Postern.Server.Sessions;
using Postern.Testing;

namespace Postern.Server.Tests.Sso;

/// <summary>
/// The server's side of <c>postern login --sso</c>, played by a test: a sign-in started for a loopback callback (on a port
/// nothing listens on; the scripted browser stops before it), the code and state the browser would bring there, and the
/// exchange of the code for a client credential.
/// </summary>
internal sealed record CommandLineSignIn(string Code, string State, string Verifier, Uri Callback)
{
    /// <summary>The address that starts a sign-in through <paramref name="connector"/> for a command listening at <paramref name="redirect"/>.</summary>
    public static string StartUrl(string webAddress, string connector, string redirect, string state, string challenge) =>
        $"{webAddress}/v1/sso/oidc/{connector}/login?client_redirect={Uri.EscapeDataString(redirect)}&client_state={state}&code_challenge={challenge}";

    /// <summary>Signs in as <paramref name="login"/> through <paramref name="connector"/> and stops where the browser would go back to the command.</summary>
    public static async Task<CommandLineSignIn> RunAsync(SsoClient client, string connector, string login)
    {
        var port = FreePort.Next();
        var state = SessionKeys.NewToken();
        var verifier = SessionKeys.NewToken();
        var start = StartUrl(client.Browser.WebAddress, connector, $"http://127.0.0.1:{port}/callback", state, ClientLoginChallenge.Of(verifier));
        var end = await client.GoAsync(start, login, stopBefore: next => next.Host == "127.0.0.1" && next.Port == port);
        Assert.True(end.Response is null, $"the sign-in did not end at the loopback callback but at {end.Url}: {end.Body}");
        var query = QueryHelpers.ParseQuery(end.Url.Query);
        Assert.Equal("/callback", end.Url.AbsolutePath);
        return new CommandLineSignIn(query["code"].ToString(), query["state"].ToString(), verifier, end.Url);
    }

    /// <summary>Presents <paramref name="code"/> with <paramref name="verifier"/> at the exchange.</summary>
    public static Task<HttpResponseMessage> ExchangeAsync(SsoClient client, string code, string verifier) =>
        client.Browser.Http.PostAsync(client.Browser.WebAddress + "/v1/client/sso/exchange",
            JsonContent.Create(new ClientCodeExchange(code, verifier), AdminApiJsonContext.Default.ClientCodeExchange));
}
