using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;

namespace Postern.Cli.Commands;

/// <summary><c>postern ca ls|rotate</c>: the certificate authorities and the rotation of their keys.</summary>
internal static class CaCommand
{
    public static Command Create() => new("ca", "Show the certificate authorities and rotate their keys.") { List(), Rotate() };

    private static Command List()
    {
        var config = CommonOptions.Config();
        var format = CommonOptions.Format();
        var command = new Command("ls", "Show each authority's rotation phase, keys, and when the next step is due.") { config, format };
        command.SetAction((parse, cancellationToken) => AdminClient.RunAsync(parse.GetValue(config), parse.InvocationConfiguration.Error, async client =>
        {
            var body = await client.SendAsync(HttpMethod.Get, "authorities", null, cancellationToken).ConfigureAwait(false);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(format) == OutputFormat.Json)
            {
                await output.WriteLineAsync(body).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            using var answer = JsonDocument.Parse(body);
            foreach (var authority in answer.RootElement.EnumerateArray())
            {
                await WriteAuthorityAsync(output, authority).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Rotate()
    {
        var config = CommonOptions.Config();
        var format = CommonOptions.Format();
        var type = new Option<string>("--type") { Description = "The authority: jwt (app access) or workload (JWT-SVIDs).", Required = true };
        type.AcceptOnlyFromAmong("jwt", "workload");
        var grace = new Option<string?>("--grace") { Description = "How long each phase lasts (default 30m, or the shortest safe period when that is longer)." };
        var manual = new Option<bool>("--manual") { Description = "Take each step by hand with --phase instead of after each grace period." };
        var phase = new Option<string?>("--phase") { Description = "With --manual: the phase to move to now (init, update_clients, standby, rollback)." };
        var rollback = new Option<bool>("--rollback") { Description = "Undo the rotation under way: the old key signs again." };
        var command = new Command("rotate", "Rotate an authority's keys: standby → init → update_clients → standby.") { config, format, type, grace, manual, phase, rollback };
        command.SetAction((parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            return AdminClient.RunAsync(parse.GetValue(config), error, async client =>
            {
                var body = await client.SendAsync(HttpMethod.Post, $"authorities/{parse.GetValue(type)}/rotate", JsonContent.Create(new
                {
                    grace = parse.GetValue(grace),
                    manual = parse.GetValue(manual),
                    phase = parse.GetValue(phase),
                    rollback = parse.GetValue(rollback),
                }), cancellationToken).ConfigureAwait(false);
                using var answer = JsonDocument.Parse(body);
                var root = answer.RootElement;
                var warning = root.TryGetProperty("warning", out var w) ? w.GetString() : null;
                if (warning is not null)
                {
                    await error.WriteLineAsync($"postern: warning: {warning}").ConfigureAwait(false);
                }

                if (parse.GetValue(format) == OutputFormat.Json)
                {
                    await output.WriteLineAsync(body).ConfigureAwait(false);
                    return ExitCodes.Ok;
                }

                var authority = root.GetProperty("authority");
                await output.WriteLineAsync($"The {authority.GetProperty("type").GetString()} authority moved from {root.GetProperty("from").GetString()} to {authority.GetProperty("phase").GetString()}.").ConfigureAwait(false);
                await WriteAuthorityAsync(output, authority).ConfigureAwait(false);
                return ExitCodes.Ok;
            });
        });
        return command;
    }

    private static async Task WriteAuthorityAsync(TextWriter output, JsonElement authority)
    {
        var mode = authority.GetProperty("mode").GetString();
        await output.WriteLineAsync($"{authority.GetProperty("type").GetString()}: phase {authority.GetProperty("phase").GetString()}{(mode is null ? "" : $" ({mode} rotation, grace {authority.GetProperty("grace").GetString()})")}, new keys {authority.GetProperty("new_key_algorithm").GetString()}").ConfigureAwait(false);
        foreach (var key in authority.GetProperty("keys").EnumerateArray())
        {
            await output.WriteLineAsync($"  {key.GetProperty("kid").GetString()}  {key.GetProperty("alg").GetString()}  {key.GetProperty("state").GetString(),-8}  in {key.GetProperty("storage").GetString()}, created {key.GetProperty("created").GetDateTimeOffset():u}").ConfigureAwait(false);
        }

        if (authority.GetProperty("next_step").GetString() is { } step)
        {
            await output.WriteLineAsync($"  next step: {step} at {authority.GetProperty("next_step_due").GetDateTimeOffset():u}").ConfigureAwait(false);
        }
        else if (mode == "manual")
        {
            await output.WriteLineAsync("  next step: by hand (postern ca rotate --manual --phase P)").ConfigureAwait(false);
        }
    }
}
