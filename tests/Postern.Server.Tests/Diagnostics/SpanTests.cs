using System.Collections.Concurrent;
using System.Diagnostics;
using Postern.Server.Tests.Infrastructure;
using Postern.Server.Tests.WorkloadIdentity;
using Postern.Testing;
using Postern.WorkloadIdentity.Api;

namespace Postern.Server.Tests.Diagnostics;

/// <summary>Sign-in and JWT-SVID issuance are spans, tagged with their result and never with the user or the SPIFFE ID.</summary>
[Collection(SpansAlone.Name)]
public sealed class SpanTests : RunningServerTests, IDisposable
{
    private const string Password = "correct horse battery staple";
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ActivityListener _listener;

    public SpanTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Postern.SignIn" or "Postern.WorkloadIdentity",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task A_password_sign_in_is_a_span_with_its_result()
    {
        await new AdminApi(Server).AddUserAsync("sam", Password, ["access"]);
        using var browser = new Browser(Server);
        (await browser.LoginAsync("sam", "not the password at all")).Dispose();
        (await browser.LoginAsync("sam", Password)).Dispose();

        var signIns = _spans.Where(s => s.OperationName == "sign_in").ToList();
        Assert.Equal(2, signIns.Count);
        Assert.All(signIns, s => Assert.Equal("password", s.GetTagItem("postern.sign_in.method")));
        Assert.Equal(["invalid_credentials", "success"], signIns.Select(s => (string?)s.GetTagItem("postern.result")));
        Assert.DoesNotContain(signIns.SelectMany(s => s.TagObjects), t => t.Value is string v && v.Contains("sam", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_issuance_is_a_span_with_its_result()
    {
        await new AdminApi(Server).CreateAsync(WorkloadClient.Policy);
        var workloads = new WorkloadClient(Server);
        var credential = await workloads.JoinNewBotAsync("spanner");
        await workloads.IssueOneAsync(credential, new JwtSvidRequest(["db"], Workload: WorkloadClient.Unix(1000)));
        await workloads.IssueAsync(credential, new JwtSvidRequest(["db"], Workload: WorkloadClient.Unix(4242)));

        var issuances = _spans.Where(s => s.OperationName == "jwt_svid.issue").ToList();
        Assert.Equal(["issued", "denied"], issuances.Select(s => (string?)s.GetTagItem("postern.result")));
        Assert.All(issuances, s => Assert.Equal(ActivityStatusCode.Ok, s.Status));
        Assert.DoesNotContain(issuances.SelectMany(s => s.TagObjects), t => t.Value is string v && v.Contains("spiffe://", StringComparison.Ordinal));
    }
}
