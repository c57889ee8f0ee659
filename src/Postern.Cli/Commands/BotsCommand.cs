using System.CommandLine;
using System.Text.Json;
using Postern.Admin.Api;

namespace Postern.Cli.Commands;

/// <summary><c>postern bots add|token|ls|rm</c>: machine identities that join with a one-time token.</summary>
internal static class BotsCommand
{
    public static Command Create() => new("bots", "Manage bots: machine identities (such as agents) that join with a one-time token.") { Add(), Token(), List(), Remove() };

    private static Command Add()
    {
        var config = CommonOptions.Config();
        var format = CommonOptions.Format();
        var name = new Argument<string>("name") { Description = "The bot's name." };
        var roles = new Option<string>("--roles") { Description = "The bot's roles, comma-separated.", Required = true };
        var labels = LabelsOption();
        var ttl = TtlOption();
        var agent = AgentOption();
        var command = new Command("add", "Add a bot and print its one-time join token.") { config, format, name, roles, labels, ttl, agent };
        command.SetAction((parse, cancellationToken) => AdminClient.RunAsync(parse.GetValue(config), parse.InvocationConfiguration.Error, async client =>
        {
            if (await ParseLabelsAsync(parse.GetValue(labels), parse.InvocationConfiguration.Error).ConfigureAwait(false) is not { } parsedLabels)
            {
                return ExitCodes.Usage;
            }

            var request = new AddBotRequest(parse.GetValue(name), UsersCommand.SplitList(parse.GetValue(roles)), parsedLabels, parse.GetValue(ttl), parse.GetValue(agent));
            var body = await client.SendAsync(HttpMethod.Post, "bots", AdminClient.Body(request, AdminApiJsonContext.Default.AddBotRequest), cancellationToken).ConfigureAwait(false);
            await PrintTokenAsync(body, parse.GetValue(format), parse.InvocationConfiguration.Output, $"Bot '{parse.GetValue(name)}' added. Its one-time join token", parse.GetValue(agent)).ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Token()
    {
        var config = CommonOptions.Config();
        var format = CommonOptions.Format();
        var name = new Argument<string>("name") { Description = "The bot's name." };
        var labels = LabelsOption();
        var ttl = TtlOption();
        var agent = AgentOption();
        var command = new Command("token", "Print another one-time join token for an existing bot: for another agent, or one that lost its --data-dir.") { config, format, name, labels, ttl, agent };
        command.SetAction((parse, cancellationToken) => AdminClient.RunAsync(parse.GetValue(config), parse.InvocationConfiguration.Error, async client =>
        {
            if (await ParseLabelsAsync(parse.GetValue(labels), parse.InvocationConfiguration.Error).ConfigureAwait(false) is not { } parsedLabels)
            {
                return ExitCodes.Usage;
            }

            var request = new JoinTokenRequest(parsedLabels, parse.GetValue(ttl), parse.GetValue(agent));
            var body = await client.SendAsync(HttpMethod.Post, $"bots/{Uri.EscapeDataString(parse.GetValue(name)!)}/tokens", AdminClient.Body(request, AdminApiJsonContext.Default.JoinTokenRequest), cancellationToken).ConfigureAwait(false);
            await PrintTokenAsync(body, parse.GetValue(format), parse.InvocationConfiguration.Output, $"Another one-time join token for bot '{parse.GetValue(name)}'", parse.GetValue(agent)).ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Option<string[]> LabelsOption() =>
        new("--labels") { Description = "Labels of the join token, KEY=VALUE (rules see them as join.labels.KEY); repeatable.", AllowMultipleArgumentsPerToken = true };

    private static Option<string?> TtlOption() => new("--ttl") { Description = "How long the join token stays valid (default 1h)." };

    private static Option<bool> AgentOption() => new("--agent")
    {
        Description = "An agent's join token, for `postern agent`: its credential may present the attested attributes (uid, gid, pid, exe) of any process on its host. Without it, a script's token: the credential gets SVIDs for the bot itself only.",
    };

    /// <summary>The KEY=VALUE labels as a dictionary; <c>null</c>, after saying which is wrong, when one is not.</summary>
    private static async Task<Dictionary<string, string>?> ParseLabelsAsync(string[]? labels, TextWriter error)
    {
        var parsed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var label in labels ?? [])
        {
            var equals = label.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                await error.WriteLineAsync($"postern: --labels '{label}' is not KEY=VALUE").ConfigureAwait(false);
                return null;
            }

            parsed[label[..equals]] = label[(equals + 1)..];
        }

        return parsed;
    }

    /// <summary>Prints the server's <see cref="JoinTokenIssued"/>: as one line of JSON, or after <paramref name="headline"/> with how to use it.</summary>
    private static async Task PrintTokenAsync(string body, OutputFormat format, TextWriter output, string headline, bool agent)
    {
        var answer = AdminClient.Read(body, AdminApiJsonContext.Answers.JoinTokenIssued);
        if (format != OutputFormat.Text)
        {
            await Listing.WriteAsync(output, format, JsonSerializer.Serialize(answer, AdminApiJsonContext.Default.JoinTokenIssued), () => Task.CompletedTask).ConfigureAwait(false);
            return;
        }

        await output.WriteLineAsync($"{headline} (valid until {answer.Expires:u}):").ConfigureAwait(false);
        await output.WriteLineAsync(answer.Token).ConfigureAwait(false);
        await output.WriteLineAsync(agent
            ? "Start an agent with it: postern agent --server URL --join-token-file FILE --socket PATH"
            : "Join with it from a script (POST /v1/bots/join); `postern agent` needs a token made with --agent").ConfigureAwait(false);
    }

    private static Command List()
    {
        var config = CommonOptions.Config();
        var format = CommonOptions.Format();
        var command = new Command("ls", "List bots.") { config, format };
        command.SetAction((parse, cancellationToken) => AdminClient.RunAsync(parse.GetValue(config), parse.InvocationConfiguration.Error, async client =>
        {
            var body = await client.SendAsync(HttpMethod.Get, "bots", null, cancellationToken).ConfigureAwait(false);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(format) != OutputFormat.Text)
            {
                await Listing.WriteAsync(output, parse.GetValue(format), body, () => Task.CompletedTask).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            foreach (var bot in AdminClient.Read(body, AdminApiJsonContext.Answers.IReadOnlyListBotSummary))
            {
                await output.WriteLineAsync($"{bot.Name,-24} roles={string.Join(",", bot.Roles)}{(bot.Locked ? "  (locked)" : "")}").ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Remove()
    {
        var config = CommonOptions.Config();
        var name = new Argument<string>("name") { Description = "The bot's name." };
        var command = new Command("rm", "Remove a bot; its credentials stop working at once.") { config, name };
        command.SetAction((parse, cancellationToken) => AdminClient.RunAsync(parse.GetValue(config), parse.InvocationConfiguration.Error, async client =>
        {
            await client.SendAsync(HttpMethod.Delete, "resources/bot/" + parse.GetValue(name), null, cancellationToken).ConfigureAwait(false);
            await parse.InvocationConfiguration.Output.WriteLineAsync($"Bot '{parse.GetValue(name)}' removed.").ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
