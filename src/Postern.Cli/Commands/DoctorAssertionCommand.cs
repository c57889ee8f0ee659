using System.CommandLine;
using System.Text.Json;
using Postern.Admin.Api;

namespace Postern.Cli.Commands;

/// <summary>
/// <c>postern doctor assertion --user U --app A</c>: the claims and the sizes of the assertion and headers the user would
/// get for the app now, against the app's <c>max_header_bytes</c>. Exits 1 when the request would not be forwarded.
/// </summary>
internal static class DoctorAssertionCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var format = CommonOptions.Format();
        var user = new Option<string>("--user") { Description = "The user whose assertion to show.", Required = true };
        var app = new Option<string>("--app") { Description = "The app it is for.", Required = true };
        var command = new Command("assertion", "Print the claims and header sizes a user's assertion for an app would have, against its max_header_bytes.") { config, format, user, app };
        command.SetAction((parse, cancellationToken) => AdminClient.RunAsync(parse.GetValue(config), parse.InvocationConfiguration.Error, async client =>
        {
            var path = $"apps/{Uri.EscapeDataString(parse.GetValue(app)!)}/assertion?user={Uri.EscapeDataString(parse.GetValue(user)!)}";
            var body = await client.SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
            var report = AdminClient.Read(body, AdminApiJsonContext.Answers.AssertionReport);
            var output = parse.InvocationConfiguration.Output;
            await Listing.WriteAsync(output, parse.GetValue(format), body, async () =>
            {
                await output.WriteLineAsync($"app {report.App}, user {report.User}: {report.HeaderBytes} of {report.MaxHeaderBytes} header bytes ({report.Percent} %): {Verdict(report)}").ConfigureAwait(false);
                await output.WriteLineAsync("headers Postern adds:").ConfigureAwait(false);
                foreach (var header in report.Headers)
                {
                    await output.WriteLineAsync($"  {header.Name,-32} {header.Bytes,8} bytes").ConfigureAwait(false);
                }

                await output.WriteLineAsync("claims, largest first (bytes of JSON in the payload):").ConfigureAwait(false);
                foreach (var claim in report.Claims)
                {
                    await output.WriteLineAsync($"  {claim.Name,-32} {claim.Bytes,8} bytes").ConfigureAwait(false);
                }

                await output.WriteLineAsync("payload:").ConfigureAwait(false);
                await output.WriteLineAsync(report.Payload.ToJsonString(new JsonSerializerOptions { WriteIndented = true })).ConfigureAwait(false);
            }).ConfigureAwait(false);
            return report.Verdict == "over" ? ExitCodes.Failed : ExitCodes.Ok;
        }));
        return command;
    }

    private static string Verdict(AssertionReport report) => report.Verdict switch
    {
        "over" => "OVER the budget: Postern would not forward this user's requests (filter the claims in rewrite.jwt_claims, or raise max_header_bytes)",
        "warning" => "over 75 % of the budget: a warning is recorded at each mint",
        _ => "fits",
    };
}
