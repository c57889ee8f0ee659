namespace Postern.Storage.Sqlite;

/// <summary>How <see cref="SqliteBackend.OpenAsync"/> opens the embedded store.</summary>
public sealed record SqliteBackendOptions
{
    /// <summary>The database file. Created with its folder's permissions when missing, unless <see cref="ReadOnly"/>.</summary>
    public required string Path { get; init; }

    /// <summary>
    /// Opens the file without changing it: no file, schema or row is created, and every write throws
    /// <see cref="InvalidOperationException"/>. Used to look at a store before it is opened for writing.
    /// </summary>
    /// <remarks>
    /// The database file itself is never written. Like any reader of a WAL database, SQLite may create the
    /// empty <c>-wal</c> and <c>-shm</c> files beside it when they are missing (it uses them to coordinate with writers).
    /// </remarks>
    public bool ReadOnly { get; init; }

    /// <summary>The clock for expiry, and the timers of the expiry sweeper and of the watch poll.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How many of the latest changes the change log keeps for watches to resume from; at least 1.</summary>
    public int ChangeLogRetention { get; init; } = 10_000;

    /// <summary>
    /// How often the background sweeper deletes expired items; <see cref="Timeout.InfiniteTimeSpan"/>
    /// turns it off (<see cref="SqliteBackend.SweepExpiredAsync"/> still works). No sweeper runs when read-only.
    /// </summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often a watch re-reads the change log, so that it also sees writes made by another process on the
    /// same file; writes made through this backend wake it at once. <see cref="Timeout.InfiniteTimeSpan"/>
    /// turns polling off.
    /// </summary>
    public TimeSpan WatchPollInterval { get; init; } = TimeSpan.FromSeconds(1);
}
