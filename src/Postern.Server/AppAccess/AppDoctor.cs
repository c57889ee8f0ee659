using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Postern.Admin.Api;
using Postern.AppAccess;
using Postern.Audit;
using Postern.Authority;
using Postern.Identity;
using Postern.Server.State;
using Postern.Server.Web;
using Yarp.ReverseProxy.Forwarder;

namespace Postern.Server.AppAccess;

/// <summary>
/// <c>postern doctor app</c>, run by the server so that no signing key leaves it: sends the app the genuine assertion
/// and each forgery of <see cref="ForgedAssertions"/> through the proxy's own forwarding path (<see cref="AppUpstream"/>:
/// the app's client, its header rules and Host rewrite, <c>X-Forwarded-*</c>, the header budget), each marked <c>X-Postern-Probe: NAME</c>, and compares every answer with the
/// genuine one's. The run is audited (<c>app.doctor.run</c>), and so is the genuine assertion (<c>app.assertion.issued</c>).
/// </summary>
internal sealed class AppDoctor(ForgedAssertions forgeries, AppUpstream upstream, CertAuthorities authorities, AuditLog audit, WebSettings settings)
{
    public const string ProbeHeader = "X-Postern-Probe";

    /// <summary>The identity of the genuine probe when no user is named: no roles, no traits.</summary>
    public const string ProbeUser = "postern-doctor";

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(15);

    private static readonly ForwarderRequestConfig RequestConfig = new() { ActivityTimeout = ProbeTimeout };

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

        var budget = HeaderBudget.Measure(app, user, genuine.Value, AssertionClaims.For(user, app.Config.Rewrite));
        var answers = new List<(AssertionProbe Probe, int Status, string? Error)>();
        foreach (var probe in probes)
        {
            var (status, error) = await SendAsync(app, user, path, probe, budget, caller, cancellationToken).ConfigureAwait(false);
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
                ? $"genuine: {error}"
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
                problems.Add($"{probe.Name}: {error}");
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

    /// <summary>
    /// Sends <paramref name="probe"/> as a <c>GET</c> of <paramref name="path"/> on the app's public address, from the
    /// caller's address, through <see cref="AppUpstream"/>: what a user's request of that path would carry, with the
    /// probe's assertions in place of a minted one.
    /// </summary>
    private async Task<(int Status, string? Error)> SendAsync(AppEntry app, User user, string path, AssertionProbe probe, HeaderBudget budget, AuditActor caller, CancellationToken cancellationToken)
    {
        var scheme = settings.PublicAddr.Uri.Scheme;
        var origin = app.PublicOrigin(scheme, app.Port ?? settings.PublicAddr.Uri.Port);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        var context = new DefaultHttpContext { RequestAborted = timeout.Token };
        var request = context.Request;
        request.Method = HttpMethods.Get;
        request.Protocol = HttpProtocol.Http11;
        request.Scheme = scheme;
        request.Host = HostString.FromUriComponent(new Uri(origin));
        var query = path.IndexOf('?', StringComparison.Ordinal);
        request.Path = PathString.FromUriComponent(query < 0 ? path : path[..query]);
        request.QueryString = query < 0 ? QueryString.Empty : new QueryString(path[query..]);
        context.Connection.RemoteIpAddress = IPAddress.TryParse(caller.ClientAddr, out var address) ? address : null;

        var (error, overBudget) = await upstream.SendAsync(context, app, user, probe.Assertions, budget, origin, RequestConfig, probe.Name).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (overBudget)
        {
            return (0, $"Postern did not send it: its headers are over the app's max_header_bytes ({app.Config.MaxHeaderBytes}); see postern doctor assertion");
        }

        return error switch
        {
            ForwarderError.None or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyDestination or ForwarderError.ResponseBodyClient
                => (context.Response.StatusCode, null),
            ForwarderError.RequestTimedOut or ForwarderError.RequestCanceled
                => (0, $"the app did not answer within {ProbeTimeout.TotalSeconds:0} s"),
            _ => (0, $"the app did not answer ({context.Features.Get<IForwarderErrorFeature>()?.Exception?.Message ?? error.ToString()})"),
        };
    }

    private static string JwtId(string token)
    {
        using var payload = System.Text.Json.JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[1]));
        return payload.RootElement.GetProperty("jti").GetString()!;
    }
}
