using System.Net;
using Microsoft.Extensions.Time.Testing;
using Postern.WorkloadIdentity.Api;
using Postern.Testing;

namespace Postern.Server.Tests.WorkloadIdentity;

/// <summary>Join tokens and bot credentials end with their lifetime (a server on a test clock).</summary>
public sealed class JoinTokenExpiryTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private TestPostern _server = null!;

    public async Task InitializeAsync() => _server = await TestPostern.StartAsync(_dir.Path, time: _time);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task An_expired_join_token_and_an_expired_credential_are_refused_and_the_join_is_audited()
    {
        var admin = new AdminApi(_server);
        var client = new WorkloadClient(_server);
        await admin.CreateAsync(WorkloadClient.Policy);
        var stale = await client.AddBotAsync("late");
        var credential = await client.JoinNewBotAsync("early");

        _time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        var (status, body) = await client.JoinAsync(stale);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("expired", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        // The store no longer holds the expired token, so the refusal names no bot: it is counted with the strangers'.
        Assert.Contains(await admin.AuditAsync("bot.join.refused"), e => e.GetProperty("reason").GetString()!.Contains("expired", StringComparison.Ordinal) && e.GetProperty("count").GetInt64() == 1);

        (status, body) = await client.IssueAsync(credential, new JwtSvidRequest(["a"], Workload: WorkloadClient.Unix(1000)));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("the bot credential is unknown or expired; join again with a new token", body.GetProperty("error").GetString());
    }
}
