using System.CommandLine;
using Postern.Admin.Api;

namespace Postern.Cli.Commands;

/// <summary><c>postern users reset-totp NAME</c>: removes a user's second factor and recovery codes (audited as <c>user.totp.reset</c>).</summary>
internal static class ResetTotpCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var name = new Argument<string>("name") { Description = "The user name." };
        var command = new Command("reset-totp", "Remove a user's one-time code secret and recovery codes, e.g. after a lost phone; they set it up again on the web.") { config, name };
        command.SetAction((parse, cancellationToken) => AdminClient.RunAsync(parse.GetValue(config), parse.InvocationConfiguration.Error, async client =>
        {
            var user = parse.GetValue(name)!;
            var body = await client.SendAsync(HttpMethod.Post, "users/" + Uri.EscapeDataString(user) + "/totp/reset", null, cancellationToken).ConfigureAwait(false);
            var answer = AdminClient.Read(body, AdminApiJsonContext.Answers.TotpReset);
            var output = parse.InvocationConfiguration.Output;
            await output.WriteLineAsync(answer.HadTotp
                ? $"User '{user}': second factor and recovery codes removed."
                : $"User '{user}' had no second factor; nothing to remove.").ConfigureAwait(false);
            if (answer.RequireTotp)
            {
                await output.WriteLineAsync("They must set one up again at their next sign-in on the web page.").ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
