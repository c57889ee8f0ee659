using System.CommandLine;
using Postern.Admin.Api;

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
            if (parse.GetValue(format) != OutputFormat.Text)
            {
                await Listing.WriteAsync(output, parse.GetValue(format), body, () => Task.CompletedTask).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            foreach (var authority in AdminClient.Read(body, AdminApiJsonContext.Answers.IReadOnlyListAuthoritySummary))
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
                var request = new RotateAuthorityRequest(parse.GetValue(grace), parse.GetValue(manual), parse.GetValue(phase), parse.GetValue(rollback));
                var body = await client.SendAsync(HttpMethod.Post, $"authorities/{parse.GetValue(type)}/rotate", AdminClient.Body(request, AdminApiJsonContext.Default.RotateAuthorityRequest), cancellationToken).ConfigureAwait(false);
                var answer = AdminClient.Read(body, AdminApiJsonContext.Answers.RotationAnswer);
                if (answer.Warning is { } warning)
                {
                    await error.WriteLineAsync($"postern: warning: {warning}").ConfigureAwait(false);
                }

                if (parse.GetValue(format) != OutputFormat.Text)
                {
                    await Listing.WriteAsync(output, parse.GetValue(format), body, () => Task.CompletedTask).ConfigureAwait(false);
                    return ExitCodes.Ok;
                }

                await output.WriteLineAsync($"The {answer.Authority.Type} authority moved from {answer.From} to {answer.Authority.Phase}.").ConfigureAwait(false);
                await WriteAuthorityAsync(output, answer.Authority).ConfigureAwait(false);
                return ExitCodes.Ok;
            });
        });
        return command;
    }

    private static async Task WriteAuthorityAsync(TextWriter output, AuthoritySummary authority)
    {
        await output.WriteLineAsync($"{authority.Type}: phase {authority.Phase}{(authority.Mode is null ? "" : $" ({authority.Mode} rotation, grace {authority.Grace})")}, new keys {authority.NewKeyAlgorithm}").ConfigureAwait(false);
        foreach (var key in authority.Keys)
        {
            await output.WriteLineAsync($"  {key.Kid}  {key.Alg}  {key.State,-8}  in {key.Storage}, created {key.Created:u}").ConfigureAwait(false);
        }

        if (authority.NextStep is { } step)
        {
            await output.WriteLineAsync($"  next step: {step} at {authority.NextStepDue:u}").ConfigureAwait(false);
        }
        else if (authority.Mode == "manual")
        {
            await output.WriteLineAsync("  next step: by hand (postern ca rotate --manual --phase P)").ConfigureAwait(false);
        }
    }
}
