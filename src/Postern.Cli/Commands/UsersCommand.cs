using System.CommandLine;
using Postern.Admin.Api;

namespace Postern.Cli.Commands;

/// <summary><c>postern users add|ls|rm|update|reset-totp</c>: local users.</summary>
internal static class UsersCommand
{
    public static Command Create() => new("users", "Manage local users.") { Add(), List(), Remove(), Update(), ResetTotpCommand.Create() };

    private static Command Add()
    {
        var config = CommonOptions.Config();
        var format = CommonOptions.Format();
        var name = new Argument<string>("name") { Description = "The user name." };
        var roles = Roles(required: true);
        var traits = Traits();
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from standard input (otherwise a one-time sign-up link is printed)." };
        var requireTotp = RequireTotp();
        var command = new Command("add", "Add a user; prints a one-time sign-up link unless --password-stdin is given.") { config, format, name, roles, traits, passwordStdin, requireTotp };
        command.SetAction((parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            return AdminClient.RunAsync(parse.GetValue(config), error, async client =>
            {
                string? password = null;
                if (parse.GetValue(passwordStdin))
                {
                    password = (await Console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false)).TrimEnd('\r', '\n');
                    if (password.Length == 0)
                    {
                        await error.WriteLineAsync("postern: --password-stdin: standard input is empty").ConfigureAwait(false);
                        return ExitCodes.Usage;
                    }
                }

                if (ParseTraits(parse.GetValue(traits)) is not { } parsedTraits)
                {
                    await error.WriteLineAsync("postern: --traits must be KEY=V1,V2 (letters, digits, '_', '.', '-' in KEY)").ConfigureAwait(false);
                    return ExitCodes.Usage;
                }

                var request = new AddUserRequest(parse.GetValue(name), SplitList(parse.GetValue(roles)), parsedTraits, password, parse.GetValue(requireTotp) ?? false);
                var body = await client.SendAsync(HttpMethod.Post, "users", AdminClient.Body(request, AdminApiJsonContext.Default.AddUserRequest), cancellationToken).ConfigureAwait(false);
                var answer = AdminClient.Read(body, AdminApiJsonContext.Answers.UserAdded);
                if (parse.GetValue(format) != OutputFormat.Text)
                {
                    await Listing.WriteAsync(output, parse.GetValue(format), body, () => Task.CompletedTask).ConfigureAwait(false);
                }
                else if (answer.SignupUrl is { } url)
                {
                    await output.WriteLineAsync($"User '{parse.GetValue(name)}' added. Send them this one-time link to set a password (valid until {answer.SignupExpires:u}):").ConfigureAwait(false);
                    await output.WriteLineAsync(url).ConfigureAwait(false);
                }
                else
                {
                    await output.WriteLineAsync($"User '{parse.GetValue(name)}' added.").ConfigureAwait(false);
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
        var command = new Command("ls", "List users.") { config, format };
        command.SetAction((parse, cancellationToken) => AdminClient.RunAsync(parse.GetValue(config), parse.InvocationConfiguration.Error, async client =>
        {
            var body = await client.SendAsync(HttpMethod.Get, "users", null, cancellationToken).ConfigureAwait(false);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(format) != OutputFormat.Text)
            {
                await Listing.WriteAsync(output, parse.GetValue(format), body, () => Task.CompletedTask).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            await output.WriteLineAsync($"{"USER",-24} {"ROLES",-32} TRAITS").ConfigureAwait(false);
            foreach (var user in AdminClient.Read(body, AdminApiJsonContext.Answers.IReadOnlyListUserSummary))
            {
                var roles = string.Join(',', user.Roles);
                var traits = string.Join(' ', user.Traits.Select(t => $"{t.Key}={string.Join(',', t.Value)}"));
                await output.WriteLineAsync($"{user.Name,-24} {roles,-32} {traits}").ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Remove()
    {
        var config = CommonOptions.Config();
        var name = new Argument<string>("name") { Description = "The user name." };
        var command = new Command("rm", "Remove a user and end their web and app sessions at once.") { config, name };
        command.SetAction((parse, cancellationToken) => AdminClient.RunAsync(parse.GetValue(config), parse.InvocationConfiguration.Error, async client =>
        {
            await client.SendAsync(HttpMethod.Delete, "users/" + Uri.EscapeDataString(parse.GetValue(name)!), null, cancellationToken).ConfigureAwait(false);
            await parse.InvocationConfiguration.Output.WriteLineAsync($"User '{parse.GetValue(name)}' removed; their sessions have ended.").ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Update()
    {
        var config = CommonOptions.Config();
        var name = new Argument<string>("name") { Description = "The user name." };
        var roles = Roles(required: false);
        var traits = Traits();
        var requireTotp = RequireTotp();
        var command = new Command("update", "Change a user's roles, traits or --require-totp; open sessions see the change within seconds.") { config, name, roles, traits, requireTotp };
        command.SetAction((parse, cancellationToken) => AdminClient.RunAsync(parse.GetValue(config), parse.InvocationConfiguration.Error, async client =>
        {
            var traitValues = parse.GetValue(traits);
            var parsedTraits = traitValues is { Length: > 0 } ? ParseTraits(traitValues) : null;
            if (traitValues is { Length: > 0 } && parsedTraits is null)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("postern: --traits must be KEY=V1,V2").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            var roleText = parse.GetValue(roles);
            var request = new UpdateUserRequest(roleText is null ? null : SplitList(roleText), parsedTraits, parse.GetValue(requireTotp));
            await client.SendAsync(HttpMethod.Put, "users/" + Uri.EscapeDataString(parse.GetValue(name)!), AdminClient.Body(request, AdminApiJsonContext.Default.UpdateUserRequest), cancellationToken).ConfigureAwait(false);
            await parse.InvocationConfiguration.Output.WriteLineAsync($"User '{parse.GetValue(name)}' updated.").ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Option<string?> Roles(bool required) => new("--roles") { Description = "Roles, comma-separated (e.g. access,editor).", Required = required };

    // "--require-totp" alone means true; "--require-totp false" lifts the requirement.
    private static Option<bool?> RequireTotp() => new("--require-totp")
    {
        Description = "The user must have a second factor (TOTP): one who has none sets it up at the next sign-in. Give 'false' to lift it.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private static Option<string[]> Traits() => new("--traits") { Description = "A trait as KEY=V1,V2; repeat for more traits.", AllowMultipleArgumentsPerToken = false };

    internal static string[] SplitList(string? text) => (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Parses <c>KEY=V1,V2</c> pairs; <c>null</c> when one is malformed. A repeated key adds values.</summary>
    internal static Dictionary<string, IReadOnlyList<string>>? ParseTraits(string[]? pairs)
    {
        var traits = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var pair in pairs ?? [])
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                return null;
            }

            var key = pair[..eq].Trim();
            if (!traits.TryGetValue(key, out var values))
            {
                traits[key] = values = [];
            }

            values.AddRange(SplitList(pair[(eq + 1)..]));
        }

        return traits.ToDictionary(t => t.Key, IReadOnlyList<string> (t) => t.Value, StringComparer.Ordinal);
    }
}
