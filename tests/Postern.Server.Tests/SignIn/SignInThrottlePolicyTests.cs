using Microsoft.Extensions.Time.Testing;
using Postern.Server.SignIn;
using Postern.Server.Tests.Infrastructure;
using Postern.Server.Web;
using Postern.Testing;
using Postern.Storage.Sqlite;

namespace Postern.Server.Tests.SignIn;

/// <summary>The sign-in policy of <see cref="SignInThrottle"/>, on a real SQLite store and a clock the tests move.</summary>
public sealed class SignInThrottlePolicyTests : IAsyncLifetime
{
    private static readonly SignInLimits Limits = new();
    private readonly TempDir _dir = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private SqliteBackend _store = null!;
    private SignInThrottle _throttle = null!;

    public async Task InitializeAsync()
    {
        _store = await SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = _dir.File("postern.db"), Time = _time }, CancellationToken.None);
        _throttle = new SignInThrottle(_store, Limits, _time);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Concurrent_attempts_from_one_address_get_exactly_the_limit_of_claims()
    {
        var claims = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => _throttle.ClaimAsync("admin", "192.0.2.1", CancellationToken.None))));

        Assert.Equal(Limits.MaxFailuresPerAddress, claims.Count(c => c is null));
        Assert.All(claims.Where(c => c is not null), c => Assert.Contains(c!.Code, new[] { SignInRefusal.LockedOut, SignInRefusal.Busy }));
    }

    [Fact]
    public async Task A_locked_out_address_does_not_lock_out_another_address_and_its_lockout_doubles()
    {
        await ClaimAsync("admin", "192.0.2.1", Limits.MaxFailuresPerAddress);

        var locked = await _throttle.ClaimAsync("admin", "192.0.2.1", CancellationToken.None);
        Assert.Equal((SignInRefusal.LockedOut, Limits.FirstLockout), (locked?.Code, locked?.RetryAfter));
        Assert.Null(await _throttle.ClaimAsync("admin", "198.51.100.7", CancellationToken.None));

        _time.Advance(Limits.FirstLockout);
        Assert.Null(await _throttle.ClaimAsync("admin", "192.0.2.1", CancellationToken.None));
        var again = await _throttle.ClaimAsync("admin", "192.0.2.1", CancellationToken.None);
        Assert.Equal((SignInRefusal.LockedOut, 2 * Limits.FirstLockout), (again?.Code, again?.RetryAfter));
    }

    [Fact]
    public async Task A_success_clears_the_address_count()
    {
        await ClaimAsync("admin", "192.0.2.1", Limits.MaxFailuresPerAddress - 1);
        await _throttle.SucceededAsync("admin", "192.0.2.1", CancellationToken.None);

        await ClaimAsync("admin", "192.0.2.1", Limits.MaxFailuresPerAddress - 1);
    }

    [Fact]
    public async Task Failures_for_a_name_from_many_addresses_slow_it_without_locking_it_and_an_address_the_user_signed_in_from_is_exempt()
    {
        await _throttle.ClaimAsync("admin", "203.0.113.9", CancellationToken.None);
        await _throttle.SucceededAsync("admin", "203.0.113.9", CancellationToken.None);
        for (var i = 0; i < Limits.FreeFailuresPerName; i++)
        {
            Assert.Null(await _throttle.ClaimAsync("admin", $"10.0.{i}.1", CancellationToken.None));
        }

        Assert.Null(await _throttle.ClaimAsync("admin", "10.1.0.1", CancellationToken.None)); // the first one past the free ones, which sets the spacing
        var slowed = await _throttle.ClaimAsync("admin", "10.1.0.2", CancellationToken.None);

        Assert.Equal((SignInRefusal.Slowed, Limits.FirstNameDelay), (slowed?.Code, slowed?.RetryAfter));
        Assert.Equal((null, true), await _throttle.CheckAsync("admin", "203.0.113.9", CancellationToken.None));
        Assert.Null(await _throttle.ClaimAsync("admin", "203.0.113.9", CancellationToken.None));
        _time.Advance(Limits.FirstNameDelay);
        Assert.Null(await _throttle.ClaimAsync("admin", "10.1.0.2", CancellationToken.None));
    }

    [Theory]
    [InlineData("192.0.2.1", "192.0.2.1")]
    [InlineData("::ffff:192.0.2.1", "192.0.2.1")]
    [InlineData("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64")]
    [InlineData(null, "unknown")]
    [InlineData("not an address", "unknown")]
    public void Client_addresses_are_keyed_by_IPv4_address_or_IPv6_slash_64(string? remote, string key) =>
        Assert.Equal(key, ClientAddress.Key(remote));

    private async Task ClaimAsync(string name, string address, int times)
    {
        for (var i = 0; i < times; i++)
        {
            Assert.Null(await _throttle.ClaimAsync(name, address, CancellationToken.None));
        }
    }
}
