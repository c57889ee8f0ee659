using System.Text;
using Postern.Testing;

namespace Postern.Storage.Postgres.Tests;

/// <summary>
/// What the PostgreSQL-specific test classes share: the server, the backends a test opens (disposed after it)
/// and a bounded read of a watch.
/// </summary>
[Collection(PostgresCollection.Name)]
public abstract class PostgresTests(PostgresServer server) : IAsyncLifetime
{
    /// <summary>How long a test waits for something that should happen soon.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    protected PostgresServer Server { get; } = server;

    internal OpenedBackends Backends { get; } = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Backends.DisposeAsync();

    /// <summary>Runs <paramref name="sql"/> on the database that <paramref name="connectionString"/> names.</summary>
    protected Task<object?> ScalarAsync(string connectionString, string sql) =>
        Server.ExecuteAsync(OpenedBackends.DatabaseOf(connectionString), sql);

    /// <summary>The first <paramref name="count"/> changes of the whole store after <paramref name="after"/>.</summary>
    protected static async Task<List<Change>> TakeAsync(IBackend store, int count, long after = 0)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var changes = new List<Change>();
        await foreach (var change in store.WatchAsync("/", after, timeout.Token))
        {
            changes.Add(change);
            if (changes.Count == count)
                break;
        }

        return changes;
    }

    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    protected static string Text(ReadOnlyMemory<byte> value) => Encoding.UTF8.GetString(value.Span);
}
