using System.Text.Json;
using Postern.Testing;

namespace Postern.Server.Tests.Authority;

/// <summary><c>rotation: { every, grace }</c> in <c>postern.yaml</c> starts a rotation by itself when the signing key is old enough.</summary>
public sealed class ScheduledRotationTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_scheduled_rotation_starts_when_the_signing_key_reaches_its_age_and_walks_the_phases()
    {
        var yaml = RotationTests.ShortLifetimes.Replace(
            "authorities: { key_set_max_age: 1s, clock_skew: 1s }",
            "authorities: { key_set_max_age: 1s, clock_skew: 1s, jwt: { rotation: { every: 3s, grace: 6s } } }",
            StringComparison.Ordinal);
        await using var server = await TestPostern.StartAsync(_dir.Path, yaml);
        var admin = new AdminApi(server);

        var before = (await admin.AuthoritiesAsync()).Single(a => a.Type == "jwt");
        Assert.Equal("standby", before.Phase);
        Assert.Equal("init (scheduled)", before.NextStep);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await admin.AuditAsync("ca.rotated")).Count < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "the scheduled rotation did not start and move on within 30 s");
            await Task.Delay(250);
        }

        var events = await admin.AuditAsync("ca.rotated");
        Assert.Equal(("jwt", "standby", "init", "schedule", "auto"), Step(events[0]));
        Assert.Equal(("jwt", "init", "update_clients", "grace period passed", "auto"), Step(events[1]));
        Assert.Equal("6s", events[0].GetProperty("rotation_grace").GetString());
    }

    private static (string?, string?, string?, string?, string?) Step(JsonElement e) =>
        (e.GetProperty("authority").GetString(), e.GetProperty("from").GetString(), e.GetProperty("to").GetString(), e.GetProperty("cause").GetString(), e.GetProperty("mode").GetString());
}
