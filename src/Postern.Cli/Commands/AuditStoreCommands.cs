using System.CommandLine;
using System.Globalization;
using System.Text;
using Postern.Audit;
using Postern.Authority;
using Postern.Configuration;
using Postern.Server.Storage;
using Postern.Storage;

namespace Postern.Cli.Commands;

/// <summary>
/// <c>postern audit verify</c> and <c>postern audit tail</c>: they read the store that <c>postern.yaml</c> names (read-only
/// on SQLite), not the server's API.
/// </summary>
internal static class AuditStoreCommands
{
    private static readonly TimeSpan TailPoll = TimeSpan.FromMilliseconds(200);

    public static Command Verify()
    {
        var config = CommonOptions.Config();
        var since = new Option<string?>("--since") { Description = "Walk each chain from its last checkpoint before DURATION ago (e.g. 1h, 7d), not from its start." };
        var verify = new Command("verify", "Check every audit chain and checkpoint; print the first event changed, removed, inserted or reordered in each chain, and exit 1 if any.") { config, since };
        verify.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(config), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, async (store, settings, output) =>
        {
            DateTimeOffset? from = null;
            if (parse.GetValue(since) is { } text)
            {
                if (!Durations.TryParse(text, out var ago, out var reason))
                    throw new AdminClient.AdminException($"--since '{text}': {reason}", ExitCodes.Usage);
                from = DateTimeOffset.UtcNow - ago;
            }

            var authority = await new CertAuthorityStore(store, TimeProvider.System).ReadAsync(CertAuthorityType.Audit, cancellationToken).ConfigureAwait(false);
            IReadOnlyList<AuthorityKey> keys = authority is { } found ? found.Document.Keys : [];
            var result = await AuditVerifier.VerifyAsync((IAuditStore)store, keys, from, cancellationToken).ConfigureAwait(false);
            foreach (var finding in result.Findings)
                await parse.InvocationConfiguration.Error.WriteLineAsync($"{finding.Kind}: {finding.Message}").ConfigureAwait(false);
            var summary = string.Create(CultureInfo.InvariantCulture, $"{(result.Verified ? "verified" : "NOT verified")}: {result.Chains} chain(s), {result.Events} event(s), {result.Checkpoints} checkpoint(s)");
            await output.WriteLineAsync(summary + (authority is null ? "; the store holds no audit key, so no checkpoint can be checked" : "")).ConfigureAwait(false);
            foreach (var (path, events) in AuditJournalBacklog.Orphans(Path.Combine(settings.DataDir, AuditJournalBacklog.FolderName)).Where(o => o.Events > 0))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"note: {path} holds {events} event(s) journaled by a server that stopped; the store gets what it lacks of them (and this check sees them) when a server starts with this data_dir")).ConfigureAwait(false);
            }

            return result.Verified ? ExitCodes.Ok : ExitCodes.Failed;
        }));
        return verify;
    }

    public static Command Tail()
    {
        var config = CommonOptions.Config();
        var format = CommonOptions.Format();
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing events as they are committed, until interrupted." };
        var lines = new Option<int>("--lines", "-n") { Description = "Print the newest N events first.", DefaultValueFactory = _ => 10 };
        var tail = new Command("tail", "Print the newest audit events (--format json: each as stored, one per line); with -f, follow new ones.") { config, format, follow, lines };
        tail.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(config), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, async (store, _, output) =>
        {
            var tables = (IAuditStore)store;
            var json = parse.GetValue(format) == OutputFormat.Json;
            var follower = new AuditFollower(tables, TimeProvider.System, TailPoll);
            await follower.SkipToEndAsync(cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(lines) is > 0 and var count)
            {
                var newest = await tables.SearchAuditAsync(new AuditSearch { Limit = count }, cancellationToken).ConfigureAwait(false);
                foreach (var e in newest.Reverse())
                    await PrintAsync(output, e, json).ConfigureAwait(false);
            }

            if (parse.GetValue(follow))
            {
                await foreach (var e in follower.FollowAsync(null, cancellationToken).ConfigureAwait(false))
                    await PrintAsync(output, e, json).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }));
        return tail;
    }

    private static async Task PrintAsync(TextWriter output, StoredAuditEvent stored, bool json)
    {
        var text = json ? Encoding.UTF8.GetString(stored.Line) : AuditEvent.Parse(stored.Line) is { } e ? AuditCommand.Describe(e) : Encoding.UTF8.GetString(stored.Line);
        await output.WriteLineAsync(text).ConfigureAwait(false);
        await output.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>Opens the store of the configuration (read-only where it can) and runs <paramref name="run"/> on it; a problem the user can fix is printed with exit code.</summary>
    private static async Task<int> RunAsync(string? configPath, TextWriter output, TextWriter error, Func<IBackend, PosternConfig, TextWriter, Task<int>> run)
    {
        try
        {
            PosternConfig config;
            try
            {
                config = ConfigLoader.Load(configPath ?? CommonOptions.DefaultConfigPath, mayBeMissing: configPath is null);
            }
            catch (ConfigException e)
            {
                throw new AdminClient.AdminException(e.Message, ExitCodes.Usage);
            }

            var location = new StoreLocation(config, TimeProvider.System);
            var exit = (int?)null;
            await location.InspectExistingAsync(async store => exit = await run(store, config, output).ConfigureAwait(false), CancellationToken.None).ConfigureAwait(false);
            if (exit is null)
                throw new AdminClient.AdminException($"there is no store at {location.SqlitePath}: start the server with this configuration first", ExitCodes.Failed);
            return exit.Value;
        }
        catch (AdminClient.AdminException e)
        {
            await error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return e.ExitCode;
        }
    }
}
