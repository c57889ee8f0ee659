using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Postern.Agent.Tests.Infrastructure;
using Postern.WorkloadIdentity.Api;
using Postern.Testing;

namespace Postern.Agent.Tests.EndToEnd.Rotation;

/// <summary>
/// The load that runs through a rotation, in concurrent loops: sign-ins (a new web session each, which opens
/// the app once: a new app session and a new assertion), app requests on two long-lived sessions, SVIDs a bot
/// asks for over HTTP, and SVIDs a workload fetches from the agent. Every assertion the app receives and every
/// SVID goes to the verifiers as soon as it is seen. A failed request is kept, not thrown.
/// </summary>
internal sealed class RotationLoad(TestPostern server, Upstream app, WorkloadClient agent, string botCredential, TokenVerifiers verifiers)
{
    public const string User = "alice";
    public const string Password = "correct horse battery staple";
    public const string AppHost = "echo.localhost";
    public const string HttpAudience = "svid-over-http";
    public const string AgentAudience = "svid-from-agent";

    private readonly ConcurrentQueue<string> _errors = new();
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private int _signIns;

    /// <summary>The requests that failed, and why.</summary>
    public IReadOnlyCollection<string> Errors => _errors;

    /// <summary>What the load did, e.g. <c>logins 89, app requests 1205, HTTP SVIDs 386</c>.</summary>
    public string Counts => string.Join(", ", _counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}"));

    /// <summary>Runs until <paramref name="stop"/> is cancelled; each loop finishes the step it is in.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        using var first = await SignInAsync() ?? throw new InvalidOperationException(string.Join("\n", _errors));
        using var second = await SignInAsync() ?? throw new InvalidOperationException(string.Join("\n", _errors));
        await Task.WhenAll(
            LoopAsync("login", TimeSpan.FromMilliseconds(500), SignInAndOpenTheAppAsync, stop),
            LoopAsync("app request", TimeSpan.FromMilliseconds(100), () => OpenTheAppAsync(first, "/first"), stop),
            LoopAsync("app request", TimeSpan.FromMilliseconds(100), () => OpenTheAppAsync(second, "/second"), stop),
            LoopAsync("assertion collector", TimeSpan.FromMilliseconds(100), VerifyAssertionsReceivedAsync, stop),
            LoopAsync("SVID over HTTP", TimeSpan.FromMilliseconds(150), IssueAndVerifyOverHttpAsync, stop),
            LoopAsync("SVID from the agent", TimeSpan.FromMilliseconds(100), FetchAndVerifyFromAgentAsync, stop));
    }

    /// <summary>An SVID the bot asks for over HTTP, for a workload of uid 1000; null (and an error) if refused.</summary>
    public async Task<IssuedToken?> IssueOverHttpAsync()
    {
        var body = new JwtSvidRequest([HttpAudience], Workload: new WorkloadAttestation(new UnixAttestation(1000, 1000, 4242, "/usr/bin/app")));
        using var request = new HttpRequestMessage(HttpMethod.Post, server.BaseUrl + WorkloadApiPaths.JwtSvids)
        {
            Content = JsonContent.Create(body, WorkloadApiJsonContext.Default.JwtSvidRequest),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", botCredential);
        using var response = await server.Http.SendAsync(request);
        if (!await SucceededAsync(response, "SVID over HTTP"))
        {
            return null;
        }

        var svid = (await response.Content.ReadFromJsonAsync(WorkloadApiJsonContext.Default.JwtSvidResponse))!.Svids[0].JwtSvid;
        Count("HTTP SVIDs");
        return new IssuedToken("workload", "HTTP SVID", svid, HttpAudience);
    }

    /// <summary>
    /// Signs in as someone at another client address each time (127.0.0.10 onwards), as the people of a busy cluster
    /// are: from one address, this load's sign-ins would soon meet the per-address request budget of sign-in.
    /// </summary>
    private async Task<Browser?> SignInAsync()
    {
        var from = new IPAddress([127, 0, 0, (byte)(10 + (Interlocked.Increment(ref _signIns) % 240))]);
        var browser = new Browser(server, from: from);
        using var response = await browser.LoginAsync(User, Password);
        if (await SucceededAsync(response, "login"))
        {
            Count("logins");
            return browser;
        }

        browser.Dispose();
        return null;
    }

    private async Task SignInAndOpenTheAppAsync()
    {
        using var browser = await SignInAsync();
        if (browser is not null)
        {
            await OpenTheAppAsync(browser, "/after-login");
        }
    }

    private async Task OpenTheAppAsync(Browser browser, string path)
    {
        using var response = await browser.GetAsync(browser.AppUrl(AppHost, path));
        if (await SucceededAsync(response, "app request"))
        {
            Count("app requests");
        }
    }

    private async Task VerifyAssertionsReceivedAsync()
    {
        var received = new List<Task>();
        while (app.Requests.TryDequeue(out var request))
        {
            if (request.Header("Teleport-Jwt-Assertion") is { } assertion)
            {
                received.Add(verifiers.VerifyAsync(new IssuedToken("jwt", "app assertion", assertion, app.Address)));
            }
        }

        await Task.WhenAll(received);
    }

    private async Task IssueAndVerifyOverHttpAsync()
    {
        if (await IssueOverHttpAsync() is { } svid)
        {
            await verifiers.VerifyAsync(svid);
        }
    }

    private async Task FetchAndVerifyFromAgentAsync()
    {
        var response = await agent.FetchAsync(AgentAudience);
        Count("agent fetches");
        foreach (var svid in response.Svids)
        {
            await verifiers.VerifyAsync(new IssuedToken("workload", "agent SVID", svid.Svid, AgentAudience));
        }
    }

    private async Task LoopAsync(string what, TimeSpan pause, Func<Task> step, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await step();
                await Task.Delay(pause, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _errors.Enqueue($"{what}: {e.GetType().Name}: {e.Message}");
                await Task.Delay(pause, CancellationToken.None);
            }
        }
    }

    private async Task<bool> SucceededAsync(HttpResponseMessage response, string what)
    {
        if (response.IsSuccessStatusCode)
        {
            return true;
        }

        _errors.Enqueue($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return false;
    }

    private void Count(string what) => _counts.AddOrUpdate(what, 1, (_, n) => n + 1);
}
