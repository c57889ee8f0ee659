using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Postern.Audit;

namespace Postern.Cli.Commands;

/// <summary>
/// <c>postern audit search</c> (through the admin API), <c>postern audit verify</c> and <c>postern audit tail</c>
/// (straight from the store that <c>postern.yaml</c> names: a verification must not depend on the server whose log
/// it checks, and it works on a stopped server or a copy of its store).
/// </summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var format = CommonOptions.Format();
        var type = new Option<string?>("--type") { Description = "Only events of this type, e.g. app.assertion.issued." };
        var since = new Option<string?>("--since") { Description = "Only events of the last DURATION, e.g. 1h or 7d." };
        var actor = new Option<string?>("--actor") { Description = "Only events whose actor has this name (a user, a bot, local-admin or system)." };
        var jti = new Option<string?>("--jti") { Description = "Only events about the token with this id (jti)." };
        var before = new Option<string?>("--before") { Description = "Only events older than the event with this id: the next page after a search's first line." };
        var limit = new Option<int>("--limit") { Description = "At most this many events, newest last.", DefaultValueFactory = _ => 1000 };
        var search = new Command("search", "Print audit events (--format json: one event per line; yaml: one document per event).") { config, format, type, since, actor, jti, before, limit };
        search.SetAction((parse, cancellationToken) => AdminClient.RunAsync(parse.GetValue(config), parse.InvocationConfiguration.Error, async client =>
        {
            var query = $"audit?limit={parse.GetValue(limit)}";
            if (parse.GetValue(type) is { } t)
            {
                query += "&type=" + Uri.EscapeDataString(t);
            }

            foreach (var (name, value) in (ReadOnlySpan<(string, string?)>)[("since", parse.GetValue(since)), ("actor", parse.GetValue(actor)), ("jti", parse.GetValue(jti)), ("before", parse.GetValue(before))])
            {
                if (value is { Length: > 0 })
                {
                    query += $"&{name}={Uri.EscapeDataString(value)}";
                }
            }

            var body = await client.SendAsync(HttpMethod.Get, query, null, cancellationToken).ConfigureAwait(false);
            var output = parse.InvocationConfiguration.Output;
            foreach (var line in body.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                if (parse.GetValue(format) == OutputFormat.Json)
                {
                    await output.WriteLineAsync(line).ConfigureAwait(false);
                    continue;
                }

                if (parse.GetValue(format) == OutputFormat.Yaml)
                {
                    await output.WriteAsync("---\n" + Listing.ToYaml(JsonNode.Parse(line))).ConfigureAwait(false);
                    continue;
                }

                if (AuditEvent.Parse(Encoding.UTF8.GetBytes(line)) is not { } e)
                {
                    throw new AdminClient.AdminException($"the server's answer holds a line that is not an audit event: {line}", ExitCodes.Failed);
                }

                await output.WriteLineAsync(Describe(e)).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }));
        return new Command("audit", "The audit log.") { search, AuditTraceCommand.Create(), AuditStoreCommands.Verify(), AuditStoreCommands.Tail() };
    }

    /// <summary>An event as one line of text: time, type, then its fields as name=value.</summary>
    internal static string Describe(AuditEvent e) =>
        $"{e.Time.UtcDateTime:O} {e.Type,-22} {string.Join(' ', e.Fields.Select(p => $"{p.Key}={Field(p.Value)}"))}";

    /// <summary>A field's value as printed: a string as it is, null as nothing, anything else as JSON.</summary>
    private static string Field(JsonNode? value) =>
        value is JsonValue text && text.GetValueKind() == JsonValueKind.String ? text.GetValue<string>() : value?.ToJsonString() ?? "";
}
