using System.CommandLine;
using System.Text;
using Postern.Admin.Api;

namespace Postern.Cli.Commands;

/// <summary>
/// <c>postern login</c>, <c>logout</c> and <c>status</c>: a person's own identity for the admin commands, kept in the profile
/// of <see cref="ClientProfile"/> for as long as the web session it is bound to.
/// </summary>
internal static class LoginCommand
{
    public static IEnumerable<Command> Create() => [Login(), Logout(), Status()];

    private static Command Login()
    {
        var proxy = new Option<string>("--proxy") { Description = "The Postern server's address, e.g. https://postern.example.com:3080.", Required = true };
        var user = new Option<string?>("--user") { Description = "Your user name, to sign in with your password (and one-time code)." };
        var passwordFile = new Option<string?>("--password-file") { Description = "Read the password from this file (for scripts); otherwise it is asked for on the terminal, or read from standard input." };
        var otp = new Option<string?>("--otp") { Description = "The one-time code, for a user with a second factor (asked for on the terminal when needed)." };
        var caFile = new Option<string?>("--ca-file") { Description = "Trust only this PEM certificate for the server (e.g. its generated data_dir/tls/cert.pem); otherwise the system's trust store." };
        var sso = new Option<string?>("--sso") { Description = "Sign in through this single sign-on connector, in the browser, instead of with a password." };
        var browser = new Option<string>("--browser") { Description = "With --sso: `default` opens the system's browser at the sign-in address (which is printed too); `none` only prints it.", DefaultValueFactory = _ => "default" };
        browser.AcceptOnlyFromAmong("default", "none");
        var command = new Command("login", "Sign in as yourself; admin commands then act as you, by your roles' rules, until `postern logout`.") { proxy, user, passwordFile, otp, caFile, sso, browser };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var connector = parse.GetValue(sso);
            if ((connector is null) == (parse.GetValue(user) is null))
            {
                await error.WriteLineAsync("postern: give either --user NAME (password sign-in) or --sso CONNECTOR (sign-in through an identity provider)").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            string? caPem = null;
            if (parse.GetValue(caFile) is { } ca)
            {
                if (!File.Exists(ca))
                {
                    await error.WriteLineAsync($"postern: --ca-file '{ca}': no such file").ConfigureAwait(false);
                    return ExitCodes.Usage;
                }

                caPem = await File.ReadAllTextAsync(ca, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                using var client = AdminClient.ForServer(parse.GetValue(proxy)!, caPem);
                var answer = connector is not null
                    ? await SsoLogin.RunAsync(client, parse.GetValue(proxy)!, connector, parse.GetValue(browser) != "none", error, cancellationToken).ConfigureAwait(false)
                    : await PasswordLoginAsync(client, parse.GetValue(user)!, parse.GetValue(passwordFile), parse.GetValue(otp), error, cancellationToken).ConfigureAwait(false);
                if (answer is null)
                {
                    return ExitCodes.Usage;
                }

                new ClientProfile(parse.GetValue(proxy)!.TrimEnd('/'), answer.User, answer.Roles, answer.Token, answer.Expires, caPem).Save();
                await parse.InvocationConfiguration.Output.WriteLineAsync($"Logged in as {answer.User} (roles: {string.Join(", ", answer.Roles)}) until {answer.Expires:u}.").ConfigureAwait(false);
                return ExitCodes.Ok;
            }
            catch (AdminClient.AdminException e)
            {
                await error.WriteLineAsync($"postern: {e.Message}").ConfigureAwait(false);
                return e.ExitCode;
            }
        });
        return command;
    }

    /// <summary>Signs in with the password (and one-time code, asked for on a terminal when needed); <c>null</c> when there is no password.</summary>
    private static async Task<ClientLogin?> PasswordLoginAsync(AdminClient client, string user, string? passwordFile, string? code, TextWriter error, CancellationToken cancellationToken)
    {
        var password = await ReadPasswordAsync(passwordFile, error, cancellationToken).ConfigureAwait(false);
        if (password is null)
        {
            return null;
        }

        string body;
        try
        {
            body = await SignInAsync(client, user, password, code, cancellationToken).ConfigureAwait(false);
        }
        catch (AdminClient.AdminException e) when (code is null && !Console.IsInputRedirected && e.Message.Contains("one-time code", StringComparison.Ordinal))
        {
            await error.WriteAsync("One-time code: ").ConfigureAwait(false);
            body = await SignInAsync(client, user, password, Console.ReadLine(), cancellationToken).ConfigureAwait(false);
        }

        return AdminClient.Read(body, AdminApiJsonContext.Answers.ClientLogin);
    }

    private static Task<string> SignInAsync(AdminClient client, string user, string password, string? otp, CancellationToken cancellationToken) =>
        client.SendRawAsync(HttpMethod.Post, "v1/client/login", AdminClient.Body(new ClientLoginRequest(user, password, otp), AdminApiJsonContext.Default.ClientLoginRequest), cancellationToken);

    /// <summary>The password from <paramref name="file"/>, the terminal (not echoed), or standard input; <c>null</c> after saying why there is none.</summary>
    private static async Task<string?> ReadPasswordAsync(string? file, TextWriter error, CancellationToken cancellationToken)
    {
        string password;
        if (file is not null)
        {
            if (!File.Exists(file))
            {
                await error.WriteLineAsync($"postern: --password-file '{file}': no such file").ConfigureAwait(false);
                return null;
            }

            password = (await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false)).TrimEnd('\r', '\n');
        }
        else if (Console.IsInputRedirected)
        {
            password = (await Console.In.ReadLineAsync(cancellationToken).ConfigureAwait(false) ?? "").TrimEnd('\r');
        }
        else
        {
            await error.WriteAsync("Password: ").ConfigureAwait(false);
            var typed = new StringBuilder();
            for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
            {
                if (key.Key == ConsoleKey.Backspace)
                {
                    typed.Length = Math.Max(0, typed.Length - 1);
                }
                else if (!char.IsControl(key.KeyChar))
                {
                    typed.Append(key.KeyChar);
                }
            }

            await error.WriteLineAsync().ConfigureAwait(false);
            password = typed.ToString();
        }

        if (password.Length == 0)
        {
            await error.WriteLineAsync("postern: the password is empty").ConfigureAwait(false);
            return null;
        }

        return password;
    }

    private static Command Logout()
    {
        var command = new Command("logout", "End your login: the server ends the credential and its web session, and the profile is removed.");
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (ClientProfile.Load() is not { } profile)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("postern: not logged in").ConfigureAwait(false);
                return ExitCodes.Failed;
            }

            string? problem = null;
            try
            {
                using var client = AdminClient.ForProfile(profile);
                await client.SendRawAsync(HttpMethod.Post, "v1/client/logout", null, cancellationToken).ConfigureAwait(false);
            }
            catch (AdminClient.AdminException e) when (e.ExitCode != ExitCodes.NotSignedIn)
            {
                problem = e.Message;
            }
            catch (AdminClient.AdminException)
            {
                // The server had ended it already.
            }

            ClientProfile.Delete();
            if (problem is not null)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"postern: the profile is removed, but the server was not told: {problem}").ConfigureAwait(false);
                return ExitCodes.Failed;
            }

            await parse.InvocationConfiguration.Output.WriteLineAsync($"Logged out {profile.User} from {profile.Proxy}.").ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Status()
    {
        var format = CommonOptions.Format();
        var command = new Command("status", "Who you are logged in as, your roles, and when the login ends; exit code 1 when not logged in.") { format };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            if (ClientProfile.Load() is not { } profile)
            {
                await output.WriteLineAsync("Not logged in.").ConfigureAwait(false);
                return ExitCodes.Failed;
            }

            string body;
            try
            {
                using var client = AdminClient.ForProfile(profile);
                body = await client.SendAsync(HttpMethod.Get, "whoami", null, cancellationToken).ConfigureAwait(false);
            }
            catch (AdminClient.AdminException e) when (e.ExitCode == ExitCodes.NotSignedIn)
            {
                await output.WriteLineAsync($"Not logged in: the login of {profile.User} at {profile.Proxy} has ended.").ConfigureAwait(false);
                return ExitCodes.Failed;
            }
            catch (AdminClient.AdminException e)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"postern: {e.Message}").ConfigureAwait(false);
                return e.ExitCode;
            }

            var caller = AdminClient.Read(body, AdminApiJsonContext.Answers.Caller);
            await Listing.WriteAsync(output, parse.GetValue(format), body, async () =>
            {
                await output.WriteLineAsync($"Server:  {profile.Proxy}").ConfigureAwait(false);
                await output.WriteLineAsync($"User:    {caller.Name}").ConfigureAwait(false);
                await output.WriteLineAsync($"Roles:   {string.Join(", ", caller.Roles)}").ConfigureAwait(false);
                await output.WriteLineAsync($"Expires: {caller.Expires:u}").ConfigureAwait(false);
            }).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }
}
