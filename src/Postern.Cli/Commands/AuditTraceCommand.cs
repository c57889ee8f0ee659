using System.CommandLine;
using System.Text;
using Postern.Audit;

namespace Postern.Cli.Commands;

/// <summary>
/// <c>postern audit trace JTI</c>: follows one app assertion through the audit log to the app session it was minted for
/// (<c>app.assertion.issued</c> → <c>app.session.start</c>, by the app session's reference) and to the sign-in that
/// opened the web session behind it (→ <c>user.login</c>, by the web session's reference). A link that is not in the log
/// is named, and the command exits non-zero.
/// </summary>
internal static class AuditTraceCommand
{
    /// <summary>The chain, in the order followed: each event is found by <c>Field</c>, and its <c>Next</c> field finds the following one.</summary>
    private static readonly TraceLink[] Links =
    [
        new("assertion", AuditEventTypes.AppAssertionIssued, "jti", "session", "not an app assertion of this cluster, or older than the audit log keeps"),
        new("app session", AuditEventTypes.AppSessionStart, "session", "web_session", "the link from the assertion to its app session is missing"),
        new("sign-in", AuditEventTypes.UserLogin, "session", null, "the link from the app session to the sign-in that opened it is missing"),
    ];

    public static Command Create()
    {
        var config = CommonOptions.Config();
        var jti = new Argument<string>("jti") { Description = "The id (jti) of an app assertion, as in its app.assertion.issued event." };
        var trace = new Command("trace", "Print an app assertion's mint, the app session it was minted for and the sign-in that opened it.") { config, jti };
        trace.SetAction((parse, cancellationToken) => AdminClient.RunAsync(parse.GetValue(config), parse.InvocationConfiguration.Error, async client =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var value = parse.GetValue(jti)!;
            foreach (var link in Links)
            {
                var found = await FindAsync(client, link.Type, link.Field, value, cancellationToken).ConfigureAwait(false);
                if (found is null)
                {
                    await error.WriteLineAsync($"no {link.Type} event has {link.Field}={value}: {link.Missing}").ConfigureAwait(false);
                    return ExitCodes.Failed;
                }

                await output.WriteLineAsync($"{link.Label,-12} {AuditCommand.Describe(found)}").ConfigureAwait(false);
                if (link.Next is not { } next)
                {
                    break;
                }

                if (Text(found, next) is not { } nextValue)
                {
                    await error.WriteLineAsync($"the {link.Type} event has no {next} field (it was written before it was recorded): the chain ends here").ConfigureAwait(false);
                    return ExitCodes.Failed;
                }

                value = nextValue;
            }

            return ExitCodes.Ok;
        }));
        return trace;
    }

    /// <summary>The newest event of <paramref name="type"/> whose <paramref name="field"/> is <paramref name="value"/>.</summary>
    private static async Task<AuditEvent?> FindAsync(AdminClient client, string type, string field, string value, CancellationToken cancellationToken)
    {
        var body = await client.SendAsync(HttpMethod.Get, $"audit?limit=1&type={Uri.EscapeDataString(type)}&{field}={Uri.EscapeDataString(value)}", null, cancellationToken).ConfigureAwait(false);
        var line = body.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        return line is null ? null : AuditEvent.Parse(Encoding.UTF8.GetBytes(line))
            ?? throw new AdminClient.AdminException($"the server's answer holds a line that is not an audit event: {line}", ExitCodes.Failed);
    }

    private static string? Text(AuditEvent e, string field) =>
        e.Fields[field] is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;

    private sealed record TraceLink(string Label, string Type, string Field, string? Next, string Missing);
}
