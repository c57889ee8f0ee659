using System.CommandLine;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Postern.WorkloadIdentity.Api;

namespace Postern.Cli.Commands;

/// <summary><c>postern svid issue</c>: a JWT-SVID for a bot (its credential file) or a user (signing in), for scripts.</summary>
internal static class SvidCommand
{
    public static Command Create() => new("svid", "Obtain JWT-SVIDs.") { Issue() };

    private static Command Issue()
    {
        var server = new Option<string>("--server") { Description = "The Postern server's web address, e.g. https://postern.example.com:3080.", Required = true };
        var audiences = new Option<string[]>("--aud") { Description = "An audience of the SVID; repeatable.", Required = true, AllowMultipleArgumentsPerToken = true };
        var ttl = new Option<string?>("--ttl") { Description = "The SVID's lifetime (default 5m; capped by the server's workload_identity.max_ttl)." };
        var spiffeId = new Option<string?>("--spiffe-id") { Description = "Only this SPIFFE ID, of those the caller may have." };
        var identity = new Option<string?>("--identity") { Description = "A bot credential file: the agent's DATA_DIR/agent.json." };
        var user = new Option<string?>("--user") { Description = "Sign in as this user, reading the password from standard input (--password-stdin)." };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the user's password from standard input." };
        var caFile = TrustOptions.CaFile();
        var insecure = TrustOptions.Insecure();
        var format = CommonOptions.Format();
        var command = new Command("issue", "Issue a JWT-SVID for a bot or a signed-in user; prints the token (--format json: the SVIDs with their SPIFFE IDs).")
        {
            server, audiences, ttl, spiffeId, identity, user, passwordStdin, caFile, insecure, format,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if ((parse.GetValue(identity) is null) == (parse.GetValue(user) is null))
            {
                await error.WriteLineAsync("postern: give either --identity FILE (a bot) or --user NAME --password-stdin (a user)").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            var cookies = new CookieContainer();
            var handler = TrustOptions.Handler(parse.GetValue(caFile), parse.GetValue(insecure));
            handler.CookieContainer = cookies;
            using var http = new HttpClient(handler) { BaseAddress = new Uri(parse.GetValue(server)!.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(30) };
            try
            {
                if (parse.GetValue(identity) is { } file)
                {
                    if (ReadCredential(file) is not { } credential)
                    {
                        await error.WriteLineAsync($"postern: --identity '{file}' is not a bot credential file (JSON with \"credential\")").ConfigureAwait(false);
                        return ExitCodes.Usage;
                    }

                    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential);
                }
                else
                {
                    if (!parse.GetValue(passwordStdin))
                    {
                        await error.WriteLineAsync("postern: --user needs --password-stdin").ConfigureAwait(false);
                        return ExitCodes.Usage;
                    }

                    var password = (await Console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false)).TrimEnd('\r', '\n');
                    using var login = await http.PostAsJsonAsync("v1/login", new { username = parse.GetValue(user), password }, cancellationToken).ConfigureAwait(false);
                    if (!login.IsSuccessStatusCode)
                    {
                        await error.WriteLineAsync($"postern: sign-in refused: {await ErrorOf(login, cancellationToken).ConfigureAwait(false)}").ConfigureAwait(false);
                        return ExitCodes.Failed;
                    }
                }

                var request = new JwtSvidRequest(parse.GetValue(audiences)!, parse.GetValue(ttl), parse.GetValue(spiffeId));
                using var response = await http.PostAsJsonAsync(WorkloadApiPaths.JwtSvids.TrimStart('/'), request, WorkloadApiJsonContext.Default.JwtSvidRequest, cancellationToken).ConfigureAwait(false);
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    await error.WriteLineAsync($"postern: {await ErrorOf(response, cancellationToken).ConfigureAwait(false)}").ConfigureAwait(false);
                    return response.StatusCode == HttpStatusCode.BadRequest ? ExitCodes.Usage : ExitCodes.Failed;
                }

                if (parse.GetValue(format) == OutputFormat.Json)
                {
                    await output.WriteLineAsync(body).ConfigureAwait(false);
                    return ExitCodes.Ok;
                }

                var answer = JsonSerializer.Deserialize(body, WorkloadApiJsonContext.Answers.JwtSvidResponse)!;
                foreach (var svid in answer.Svids)
                {
                    await error.WriteLineAsync($"{svid.SpiffeId} (expires {svid.Expires:u})").ConfigureAwait(false);
                    await output.WriteLineAsync(svid.JwtSvid).ConfigureAwait(false);
                }

                return ExitCodes.Ok;
            }
            catch (HttpRequestException e)
            {
                await error.WriteLineAsync($"postern: cannot reach {http.BaseAddress}: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Failed;
            }
        });
        return command;
    }

    private static string? ReadCredential(string file)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            return document.RootElement.TryGetProperty("credential", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static async Task<string> ErrorOf(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var lines = new List<string> { root.TryGetProperty("error", out var message) ? message.GetString() ?? "" : $"the server answered {(int)response.StatusCode}" };
            if (root.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
            {
                lines.AddRange(details.EnumerateArray().Select(d => "  " + d.GetString()));
            }

            return string.Join(Environment.NewLine, lines);
        }
        catch (JsonException)
        {
            return $"the server answered {(int)response.StatusCode}";
        }
    }
}
