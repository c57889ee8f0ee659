using System.Diagnostics;
using Postern.Admin.Api;
using Postern.Server.Sessions;
using Postern.Server.Sso;

namespace Postern.Cli.Commands;

/// <summary>
/// <c>postern login --sso CONNECTOR</c>: listens on a loopback port, has the browser sign in through the connector at
/// Postern with that port as the callback, and exchanges the one-time code the browser brings back, with the verifier
/// only this command holds, for a client credential. The browser never sees the verifier, so the code alone (in its
/// history, or read off the redirect) is worth nothing; and Postern sends the code only to a loopback address.
/// </summary>
internal static class SsoLogin
{
    /// <summary>How long the command waits for the browser to come back.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    public static async Task<ClientLogin> RunAsync(AdminClient client, string proxy, string connector, bool openBrowser, TextWriter error, CancellationToken cancellationToken)
    {
        var state = SessionKeys.NewToken();
        var verifier = SessionKeys.NewToken();
        await using var callback = await LoopbackCallback.StartAsync(state, error, cancellationToken).ConfigureAwait(false);
        var url = $"{proxy.TrimEnd('/')}/v1/sso/oidc/{Uri.EscapeDataString(connector)}/login"
            + $"?{CommandLineCallback.RedirectParameter}={Uri.EscapeDataString(callback.RedirectUrl)}"
            + $"&{CommandLineCallback.StateParameter}={state}"
            + $"&{CommandLineCallback.ChallengeParameter}={ClientLoginChallenge.Of(verifier)}";
        await error.WriteLineAsync($"To sign in through {connector}, open this address in your browser:\n  {url}").ConfigureAwait(false);
        if (openBrowser)
        {
            Open(url);
        }

        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(Patience);
        string code;
        try
        {
            code = await callback.CodeAsync(patience.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AdminClient.AdminException($"no sign-in came back to {callback.RedirectUrl} within {Patience.TotalMinutes:0} minutes", ExitCodes.Failed);
        }

        var body = await client.SendRawAsync(HttpMethod.Post, "v1/client/sso/exchange",
            AdminClient.Body(new ClientCodeExchange(code, verifier), AdminApiJsonContext.Default.ClientCodeExchange), cancellationToken).ConfigureAwait(false);
        return AdminClient.Read(body, AdminApiJsonContext.Answers.ClientLogin);
    }

    /// <summary>Opens <paramref name="url"/> in the desktop's browser, when there is one; the address is printed either way.</summary>
    private static void Open(string url)
    {
        var opener = OperatingSystem.IsMacOS() ? "open" : OperatingSystem.IsWindows() ? "explorer.exe" : "xdg-open";
        try
        {
            using var process = Process.Start(new ProcessStartInfo(opener, [url]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true });
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No browser opener on this host: the printed address is the way.
        }
    }
}
