using Microsoft.Extensions.Time.Testing;
using Postern.Server.AppAccess;
using Postern.Server.Sessions;
using Postern.Storage;
using Postern.Storage.Sqlite;
using Postern.Testing;

namespace Postern.Server.Tests.AppAccess;

/// <summary>
/// An ended app session never comes back through <see cref="AppSessions"/>' memory: neither a cached entry after the
/// store's watch reported the deletion, nor one a lookup read from the store just before the deletion and added after.
/// </summary>
public sealed class AppSessionCacheTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private SqliteBackend _sqlite = null!;
    private HeldReadsBackend _store = null!;
    private SessionStore _sessions = null!;
    private AppSessions _live = null!;

    public async Task InitializeAsync()
    {
        _sqlite = await SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = _dir.File("postern.db"), Time = _time }, CancellationToken.None);
        _store = new HeldReadsBackend(_sqlite);
        _sessions = new SessionStore(_store, _time);
        _live = new AppSessions(_sessions, _time);
    }

    public async Task DisposeAsync()
    {
        await _sqlite.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_cached_session_is_gone_once_the_watch_reports_its_deletion()
    {
        var (webToken, _) = await _sessions.CreateWebSessionAsync("alice", TimeSpan.FromHours(1), CancellationToken.None);
        var (token, state) = (await _live.CreateAsync("alice", "whoami", SessionKeys.Hash(webToken), _time.GetUtcNow().AddHours(1), CancellationToken.None))!.Value;
        Assert.Same(state, await _live.FindAsync(token, CancellationToken.None));

        await DeleteAsync(state.Hash);

        Assert.Null(await _live.FindAsync(token, CancellationToken.None));
        Assert.Equal(0, _live.Count);
        Assert.True(state.Open.IsEnded);
    }

    [Fact]
    public async Task A_lookup_that_read_the_session_just_before_its_deletion_returns_nothing_and_caches_nothing()
    {
        // Opened on another instance: this one has never seen it and reads it from the store.
        var (token, hash, _) = await _sessions.CreateAppSessionAsync("alice", "whoami", "web-hash", _time.GetUtcNow().AddHours(1), CancellationToken.None);
        _store.HoldReads(SessionKeys.AppPrefix);
        var lookup = _live.FindAsync(token, CancellationToken.None).AsTask();
        await _store.ReadHeld.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // Signed out meanwhile: the store deletes it and the watch reports it before the lookup goes on.
        await DeleteAsync(hash);
        _store.Release();

        Assert.Null(await lookup.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, _live.Count);
        Assert.Null(await _live.FindAsync(token, CancellationToken.None));
    }

    [Fact]
    public async Task After_a_reload_a_session_deleted_while_the_watch_missed_it_is_dropped_and_ends_what_it_has_open()
    {
        var (webToken, _) = await _sessions.CreateWebSessionAsync("alice", TimeSpan.FromHours(1), CancellationToken.None);
        var (token, state) = (await _live.CreateAsync("alice", "whoami", SessionKeys.Hash(webToken), _time.GetUtcNow().AddHours(1), CancellationToken.None))!.Value;
        var (keptToken, kept) = (await _live.CreateAsync("alice", "other", SessionKeys.Hash(webToken), _time.GetUtcNow().AddHours(1), CancellationToken.None))!.Value;

        // Deleted while this instance's watch was behind a compacted change feed: no deletion is ever reported.
        Assert.True(await _sqlite.DeleteAsync(SessionKeys.AppPrefix + state.Hash, CancellationToken.None));
        _live.Clear();
        await _live.Reconciled.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Null(await _live.FindAsync(token, CancellationToken.None));
        Assert.True(state.Open.IsEnded);
        Assert.Same(kept, await _live.FindAsync(keptToken, CancellationToken.None));
    }

    /// <summary>Deletes the session in the store and hands the deletion to <see cref="AppSessions"/> as the watch would.</summary>
    private async Task DeleteAsync(string hash)
    {
        var key = SessionKeys.AppPrefix + hash;
        Assert.True(await _sqlite.DeleteAsync(key, CancellationToken.None));
        var revision = await _sqlite.CurrentRevisionAsync(CancellationToken.None);
        _live.Apply(new Change(ChangeKind.Delete, key, ReadOnlyMemory<byte>.Empty, revision, null));
    }
}
