using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;

namespace Postern.Cli.Commands;

/// <summary><c>postern bots add|ls|rm</c>: machine identities that join with a one-time token.</summary>
internal static class BotsCommand
{
    public static Command Create() => new("bots", "Manage bots: machine identities (such as agents) that join with a one-time token.") { Add(), List(), Remove() };

    private static Command Add()
    {
        var config = CommonOptions.Config();
        var format = CommonOptions.Format();
        var name = new Argument<string>("name") { Description = "The bot's name." };
        var roles = new Option<string>("--roles") { Description = "The bot's roles, comma-separated.", Required = true };
        var labels = new Option<string[]>("--labels") { Description = "Labels of the join token, KEY=VALUE (rules see them as join.labels.KEY); repeatable.", AllowMultipleArgumentsPerToken = true };
        var ttl = new Option<string?>("--ttl") { Description = "How long the join token stays valid (default 1h)." };
        var command = new Command("add", "Add a bot and print its one-time join token.") { config, format, name, roles, labels, ttl };
        command.SetAction((parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            return AdminClient.RunAsync(parse.GetValue(config), error, async client =>
            {
                var parsedLabels = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var label in parse.GetValue(labels) ?? [])
                {
                    var equals = label.IndexOf('=', StringComparison.Ordinal);
                    if (equals <= 0)
                    {
                        await error.WriteLineAsync($"postern: --labels '{label}' is not KEY=VALUE").ConfigureAwait(false);
                        return ExitCodes.Usage;
                    }

                    parsedLabels[label[..equals]] = label[(equals + 1)..];
                }

                var body = await client.SendAsync(HttpMethod.Post, "bots", JsonContent.Create(new
                {
                    name = parse.GetValue(name),
                    roles = UsersCommand.SplitList(parse.GetValue(roles)),
                    labels = parsedLabels,
                    ttl = parse.GetValue(ttl),
                }), cancellationToken).ConfigureAwait(false);
                using var answer = JsonDocument.Parse(body);
                var root = answer.RootElement;
                if (parse.GetValue(format) == OutputFormat.Json)
                {
                    await output.WriteLineAsync(JsonSerializer.Serialize(new
                    {
                        name = root.GetProperty("name").GetString(),
                        token = root.GetProperty("token").GetString(),
                        expires = root.GetProperty("expires").GetDateTimeOffset(),
                    })).ConfigureAwait(false);
                }
                else
                {
                    await output.WriteLineAsync($"Bot '{root.GetProperty("name").GetString()}' added. Its one-time join token (valid until {root.GetProperty("expires").GetDateTimeOffset():u}):").ConfigureAwait(false);
                    await output.WriteLineAsync(root.GetProperty("token").GetString()).ConfigureAwait(false);
                    await output.WriteLineAsync("Start an agent with it: postern agent --server URL --join-token TOKEN --socket PATH").ConfigureAwait(false);
                }

                return ExitCodes.Ok;
            });
        });
        return command;
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
            if (parse.GetValue(format) == OutputFormat.Json)
            {
                await output.WriteLineAsync(body).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            using var answer = JsonDocument.Parse(body);
            foreach (var bot in answer.RootElement.EnumerateArray())
            {
                var roles = string.Join(",", bot.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
                await output.WriteLineAsync($"{bot.GetProperty("name").GetString(),-24} roles={roles}{(bot.GetProperty("locked").GetBoolean() ? "  (locked)" : "")}").ConfigureAwait(false);
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
