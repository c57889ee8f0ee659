using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Postern.Storage.Postgres;

/// <summary>How <see cref="PostgresBackend.OpenAsync"/> opens the shared store.</summary>
public sealed record PostgresBackendOptions
{
    /// <summary>
    /// An Npgsql connection string (<c>Host=db;Database=postern;Username=postern;Password=…</c>). The store's
    /// tables are created in the first schema of the connection's search path.
    /// </summary>
    public required string ConnectionString { get; init; }

    /// <summary>
    /// The clock for expiry, and the timers of the expiry sweeper and of the watch poll. Instances sharing a
    /// database should have synchronised clocks: each decides by its own whether an item has expired.
    /// </summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How many of the latest changes the change log keeps for watches to resume from; at least 1.</summary>
    public int ChangeLogRetention { get; init; } = 10_000;

    /// <summary>
    /// How often the background sweeper deletes expired items; <see cref="Timeout.InfiniteTimeSpan"/> turns it
    /// off (<see cref="PostgresBackend.SweepExpiredAsync"/> still works). Several instances may sweep at once.
    /// </summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often a watch re-reads the change log although no notification came: a safety net behind
    /// <c>LISTEN/NOTIFY</c>, which wakes watches at once. <see cref="Timeout.InfiniteTimeSpan"/> turns polling off.
    /// </summary>
    public TimeSpan WatchPollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Where the backend reports a lost notification connection and its recovery.</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;
}
