using System.Text.Json.Nodes;
using Postern.Audit;
using Postern.Server.State;
using Postern.Storage;
using Postern.Storage.Sqlite;
using Postern.Testing;

namespace Postern.Server.Tests.State;

/// <summary>A delete and its audit event: both or neither, also when the process dies between the event and the delete.</summary>
public sealed class AuditedWritesTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private SqliteBackend _store = null!;
    private AuditLog _audit = null!;

    public async Task InitializeAsync()
    {
        _store = await SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = _dir.File("postern.db") }, CancellationToken.None);
        _audit = new AuditLog(_store, TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        await _audit.DisposeAsync();
        await _store.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_delete_whose_event_was_written_before_a_crash_is_finished_at_start_unless_the_key_was_written_again()
    {
        var writes = new AuditedWrites(_store, _audit);
        var crashed = await _store.PutAsync("/locks/user/a", "{}"u8.ToArray(), null, CancellationToken.None);
        var rewritten = await _store.PutAsync("/locks/user/b", "{}"u8.ToArray(), null, CancellationToken.None);
        await _store.PutAsync(AuditedWrites.IntentPrefix + "1", StoreJson.Serialize(new AuditedWrites.DeleteIntent("/locks/user/a", crashed)), null, CancellationToken.None);
        await _store.PutAsync(AuditedWrites.IntentPrefix + "2", StoreJson.Serialize(new AuditedWrites.DeleteIntent("/locks/user/b", rewritten)), null, CancellationToken.None);
        await _store.PutAsync("/locks/user/b", "{\"again\":true}"u8.ToArray(), null, CancellationToken.None);

        Assert.Equal(["/locks/user/a"], await writes.FinishInterruptedAsync(CancellationToken.None));
        Assert.Null(await _store.GetAsync("/locks/user/a", CancellationToken.None));
        Assert.NotNull(await _store.GetAsync("/locks/user/b", CancellationToken.None));
        Assert.Empty(await _store.RangeAsync(AuditedWrites.IntentPrefix, CancellationToken.None));
    }

    [Fact]
    public async Task A_delete_leaves_its_event_and_no_intent_and_an_absent_key_leaves_nothing()
    {
        var writes = new AuditedWrites(_store, _audit);
        await _store.PutAsync("/locks/user/c", "{}"u8.ToArray(), null, CancellationToken.None);

        Assert.True(await writes.DeleteAsync("/locks/user/c", AuditEventTypes.LockDelete, new JsonObject { ["target"] = "user/c" }, AuditActor.LocalAdmin("127.0.0.1"), CancellationToken.None));
        Assert.False(await writes.DeleteAsync("/locks/user/c", AuditEventTypes.LockDelete, new JsonObject { ["target"] = "user/c" }, AuditActor.LocalAdmin("127.0.0.1"), CancellationToken.None));

        Assert.Null(await _store.GetAsync("/locks/user/c", CancellationToken.None));
        Assert.Empty(await _store.RangeAsync(AuditedWrites.IntentPrefix, CancellationToken.None));
        var recorded = Assert.Single(await _audit.SearchAsync(new AuditQuery { Type = AuditEventTypes.LockDelete, Limit = 10 }, CancellationToken.None));
        Assert.Equal("local-admin", recorded.Fields["actor"]!["kind"]!.GetValue<string>());
        Assert.Equal("127.0.0.1", recorded.Fields["client_addr"]!.GetValue<string>());
    }
}
