using System.Text.Json.Nodes;
using Postern.Admin.Api;
using Postern.AppAccess;
using Postern.Audit;
using Postern.Authority;
using Postern.Identity;
using Postern.Server.State;
using Postern.Server.Web;

namespace Postern.Server.AppAccess;

/// <summary>
/// <c>postern doctor app</c>, run by the server so that no signing key leaves it: sends the app the genuine assertion
/// and each forgery of <see cref="ForgedAssertions"/> the way the proxy forwards a request (the app's own client, its
/// header rules, <c>X-Forwarded-*</c>), each marked <c>X-Postern-Probe: NAME</c>, and compares every answer with the
/// genuine one's. The run is audited (<c>app.doctor.run</c>), and so is the genuine assertion (<c>app.assertion.issued</c>).
/// </summary>
internal sealed class AppDoctor(ForgedAssertions forgeries, AppClientFactory clients, CertAuthorities authorities, AuditLog audit, WebSettings settings)
{
    public const string ProbeHeader = "X-Postern-Probe";

    /// <summary>The identity of the genuine probe when no user is named: no roles, no traits.</summary>
    public const string ProbeUser = "postern-doctor";

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(15);

    public async Task<DoctorReport> RunAsync(AppEntry app, User user, string path, AuditActor caller, CancellationToken cancellationToken)
    {
        var (genuine, probes) = forgeries.For(app, user);
        await audit.AppendAsync(AuditEventTypes.AppAssertionIssued, caller.Stamp(new JsonObject
        {
            ["user"] = user.Name,
            ["app"] = app.Name,
            ["doctor"] = true,
            ["jti"] = JwtId(genuine.Value),
            ["kid"] = genuine.KeyId,
        }), cancellationToken).ConfigureAwait(false);

        var answers = new List<(AssertionProbe Probe, int Status, string? Error)>();
        foreach (var probe in probes)
        {
            var (status, error) = await SendAsync(app, user, path, probe, cancellationToken).ConfigureAwait(false);
            answers.Add((probe, status, error));
        }

        var report = Judge(app, user, path, answers);
        await audit.AppendAsync(AuditEventTypes.AppDoctorRun, caller.Stamp(new JsonObject
        {
            ["app"] = app.Name,
            ["user"] = user.Name,
            ["path"] = path,
            ["ok"] = report.Ok,
            ["accepted"] = new JsonArray([.. report.Accepted.Select(a => JsonValue.Create(a))]),
            ["statuses"] = new JsonObject(report.Probes.Select(p => KeyValuePair.Create(p.Name, (JsonNode?)JsonValue.Create(p.Status)))),
        }), cancellationToken).ConfigureAwait(false);
        return report;
    }

    private DoctorReport Judge(AppEntry app, User user, string path, List<(AssertionProbe Probe, int Status, string? Error)> answers)
    {
        var genuine = answers[0];
        var genuineOk = genuine.Status is >= 200 and < 300;
        var problems = new List<string>();
        if (!genuineOk)
        {
            var keys = authorities.Get(CertAuthorityType.Jwt).Document.Keys.Count;
            problems.Add(genuine.Error is { } error
                ? $"genuine: the app did not answer ({error})"
                : $"genuine: the app refused the genuine assertion ({genuine.Status}); it must accept it, or choose a --path it serves to a verified user"
                    + (keys > 1 ? $". The key set holds {keys} keys (a rotation is under way): an app that verifies with one key only (keys[0], or a key it fetched once) instead of the key the token's kid names fails now" : ""));
        }

        var results = new List<ProbeResult> { new(genuine.Probe.Name, genuine.Probe.Sent, genuine.Status, "baseline") };
        var accepted = new List<string>();
        foreach (var (probe, status, error) in answers.Skip(1))
        {
            string verdict;
            if (error is not null)
            {
                verdict = "no_answer";
                problems.Add($"{probe.Name}: the app did not answer ({error})");
            }
            else if ((genuineOk && status == genuine.Status) || status is >= 200 and < 300)
            {
                verdict = "accepted";
                accepted.Add(probe.Name);
                problems.Add($"{probe.Name}: the app accepted {probe.Sent} (answered {status})");
            }
            else
            {
                verdict = "refused";
            }

            results.Add(new ProbeResult(probe.Name, probe.Sent, status, verdict));
        }

        return new DoctorReport(app.Name, user.Name, path, results, accepted, problems, problems.Count == 0);
    }

    private async Task<(int Status, string? Error)> SendAsync(AppEntry app, User user, string path, AssertionProbe probe, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, app.DestinationPrefix + path);
        var headers = request.Headers;
        headers.TryAddWithoutValidation(ProbeHeader, probe.Name);
        if (probe.Assertions.Count > 0)
        {
            headers.TryAddWithoutValidation(AppRequestTransformer.AssertionHeader, probe.Assertions);
        }

        foreach (var rule in app.Config.Rewrite.HeaderRules)
        {
            var jwt = probe.Assertions.Count > 0 ? probe.Assertions[0] : null;
            if (HeaderRendering.Render(rule, user.Traits, user.ExternalTraits, jwt).Value is { } value && !rule.Name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                headers.TryAddWithoutValidation(rule.Name, value);
            }
        }

        var scheme = settings.PublicAddr.Uri.Scheme;
        var port = app.Port ?? settings.PublicAddr.Uri.Port;
        headers.TryAddWithoutValidation("X-Forwarded-Proto", scheme);
        headers.TryAddWithoutValidation("X-Forwarded-Host", new Uri(app.PublicOrigin(scheme, port)).Authority);
        headers.TryAddWithoutValidation("X-Forwarded-Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            using var response = await clients.ClientFor(app).SendAsync(request, timeout.Token).ConfigureAwait(false);
            return ((int)response.StatusCode, null);
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return (0, e is OperationCanceledException ? $"no answer within {ProbeTimeout.TotalSeconds:0} s" : e.Message);
        }
    }

    private static string JwtId(string token)
    {
        using var payload = System.Text.Json.JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[1]));
        return payload.RootElement.GetProperty("jti").GetString()!;
    }
}
