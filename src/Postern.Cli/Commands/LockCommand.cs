using System.CommandLine;
using Postern.Admin.Api;

namespace Postern.Cli.Commands;

/// <summary><c>postern lock</c>, <c>unlock</c> and <c>locks</c>: stop an identity everywhere at once, and see what is locked.</summary>
internal static class LockCommand
{
    public static IEnumerable<Command> Create() => [Lock(), Unlock(), List()];

    private static Command Lock()
    {
        var config = CommonOptions.Config();
        var target = new Argument<string>("target") { Description = "user/NAME or bot/NAME." };
        var ttl = new Option<string?>("--ttl") { Description = "Lift the lock after this long (e.g. 1h); without it, until unlocked." };
        var message = new Option<string?>("--message") { Description = "Why, for the audit log." };
        var command = new Command("lock", "End every session and credential of an identity, on every instance, until unlocked.") { config, target, ttl, message };
        command.SetAction((parse, cancellationToken) => AdminClient.RunAsync(parse.GetValue(config), parse.InvocationConfiguration.Error, async client =>
        {
            var request = new LockRequest(parse.GetValue(target), parse.GetValue(ttl), parse.GetValue(message));
            await client.SendAsync(HttpMethod.Post, "locks", AdminClient.Body(request, AdminApiJsonContext.Default.LockRequest), cancellationToken).ConfigureAwait(false);
            await parse.InvocationConfiguration.Output.WriteLineAsync($"{parse.GetValue(target)} locked.").ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Unlock()
    {
        var config = CommonOptions.Config();
        var target = new Argument<string>("target") { Description = "user/NAME or bot/NAME." };
        var command = new Command("unlock", "Lift a lock.") { config, target };
        command.SetAction((parse, cancellationToken) => AdminClient.RunAsync(parse.GetValue(config), parse.InvocationConfiguration.Error, async client =>
        {
            await client.SendAsync(HttpMethod.Delete, "locks/" + parse.GetValue(target), null, cancellationToken).ConfigureAwait(false);
            await parse.InvocationConfiguration.Output.WriteLineAsync($"{parse.GetValue(target)} unlocked.").ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command List()
    {
        var config = CommonOptions.Config();
        var format = CommonOptions.Format();
        var command = new Command("locks", "List the locks in force.") { config, format };
        command.SetAction((parse, cancellationToken) => AdminClient.RunAsync(parse.GetValue(config), parse.InvocationConfiguration.Error, async client =>
        {
            var body = await client.SendAsync(HttpMethod.Get, "locks", null, cancellationToken).ConfigureAwait(false);
            var output = parse.InvocationConfiguration.Output;
            await Listing.WriteAsync(output, parse.GetValue(format), body, async () =>
            {
                foreach (var held in AdminClient.Read(body, AdminApiJsonContext.Answers.IReadOnlyListLockSummary))
                {
                    await output.WriteLineAsync($"{held.Target,-32} since {held.Created:u}  {(held.Expires is { } until ? $"until {until:u}" : "until unlocked")}  {held.Message}").ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
