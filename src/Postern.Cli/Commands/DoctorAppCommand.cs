using System.CommandLine;
using Postern.Admin.Api;

namespace Postern.Cli.Commands;

/// <summary>
/// <c>postern doctor app NAME</c>: asks the server to send the app its genuine assertion and forgeries (the server signs
/// them; this command never holds a key) and prints which the app accepted. Exits 1 when the app accepted a forgery,
/// refused the genuine assertion or did not answer.
/// </summary>
internal static class DoctorAppCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var format = CommonOptions.Format();
        var app = new Argument<string>("app") { Description = "The app to probe: it must have doctor: {allow: true}, or the caller a role rule allowing create on doctor." };
        var user = new Option<string?>("--user") { Description = "Whose genuine assertion to send; default the probe identity postern-doctor (no roles, no traits)." };
        var path = new Option<string?>("--path") { Description = "The path to ask for: one the app serves only to a verified user (default /)." };
        var command = new Command("app", "Check that an app verifies the assertion: send it forged ones and report each it accepts.") { config, format, app, user, path };
        command.SetAction((parse, cancellationToken) => AdminClient.RunAsync(parse.GetValue(config), parse.InvocationConfiguration.Error, async client =>
        {
            var request = new DoctorRequest(parse.GetValue(user), parse.GetValue(path));
            var body = await client.SendAsync(HttpMethod.Post, $"apps/{Uri.EscapeDataString(parse.GetValue(app)!)}/doctor",
                AdminClient.Body(request, AdminApiJsonContext.Default.DoctorRequest), cancellationToken).ConfigureAwait(false);
            var report = AdminClient.Read(body, AdminApiJsonContext.Answers.DoctorReport);
            var output = parse.InvocationConfiguration.Output;
            await Listing.WriteAsync(output, parse.GetValue(format), body, async () =>
            {
                await output.WriteLineAsync($"app {report.App}, path {report.Path}, genuine assertion of {report.User}:").ConfigureAwait(false);
                foreach (var probe in report.Probes)
                {
                    var status = probe.Status == 0 ? "---" : probe.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    await output.WriteLineAsync($"  {probe.Name,-20} {status,4}  {Shown(probe.Verdict),-9} {probe.Sent}").ConfigureAwait(false);
                }

                await output.WriteLineAsync(report.Ok
                    ? "ok: the app accepted the genuine assertion and refused every forgery"
                    : "PROBLEMS:\n" + string.Join('\n', report.Problems.Select(p => "  " + p))).ConfigureAwait(false);
            }).ConfigureAwait(false);
            return report.Ok ? ExitCodes.Ok : ExitCodes.Failed;
        }));
        return command;
    }

    private static string Shown(string verdict) => verdict switch
    {
        "accepted" => "ACCEPTED",
        "no_answer" => "NO ANSWER",
        var other => other,
    };
}
