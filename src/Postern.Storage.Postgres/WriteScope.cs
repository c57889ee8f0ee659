using Npgsql;

namespace Postern.Storage.Postgres;

/// <summary>
/// One write transaction. It starts by locking the store's revision row, and every change goes through
/// <see cref="PutAsync"/> or <see cref="DeleteAsync"/>, which change the items, append to the change log,
/// set the new revision and queue the notification in one round trip, so the four can never disagree.
/// </summary>
/// <remarks>
/// Why a locked counter row rather than a sequence: the lock is held from the first statement to the commit,
/// so writers (in any process) take turns, and revision <c>n + 1</c> is handed out only after the
/// transaction that took <c>n</c> has committed or rolled back. Revisions therefore commit in order and
/// without gaps, and a watch that has read the log up to <c>n</c> can never later find a change below
/// <c>n</c> appear. A sequence would let a slow transaction commit revision 5 after a fast one committed 6;
/// a watch that had read 6 would skip 5 for ever, and a rolled-back transaction would leave a hole. The
/// price is one writer at a time, for the length of a transaction of three round trips, which the store's
/// write rate (a session, an issuance) affords. Reads never take the lock.
/// Because every write takes the lock before reading anything, and each statement under READ COMMITTED
/// sees everything committed before it began, the checks of conditional writes read the latest state.
/// </remarks>
internal sealed class WriteScope : IWriteScope
{
    private readonly NpgsqlConnection _connection;
    private readonly long _now;
    private readonly int _changeLogRetention;
    private readonly long? _liveRevision;
    private bool _auditOnly;

    private WriteScope(NpgsqlConnection connection, long now, int changeLogRetention, long revision, long? liveRevision)
    {
        _connection = connection;
        _now = now;
        _changeLogRetention = changeLogRetention;
        Revision = revision;
        _liveRevision = liveRevision;
    }

    /// <summary>The store's revision: as locked at the start, then that of the latest change made here.</summary>
    public long Revision { get; private set; }

    /// <summary>Whether anything was written, i.e. whether the transaction is worth committing.</summary>
    public bool Wrote { get; private set; }

    /// <inheritdoc />
    public bool ChangedItems { get; private set; }

    /// <summary>
    /// Locks the revision row inside the open transaction on <paramref name="connection"/> and, in the same
    /// round trip, reads the live revision of <paramref name="key"/> when one is given.
    /// </summary>
    public static async Task<WriteScope> BeginAsync(NpgsqlConnection connection, long now, int changeLogRetention, string? key, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT revision FROM postern_revision WHERE id = 1 FOR UPDATE"));
        if (key is not null)
            batch.BatchCommands.Add(Sql.BatchCommand("SELECT revision FROM postern_items WHERE key = $1 AND (expires IS NULL OR expires > $2)", key, now));

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            throw new InvalidDataException("the store's revision row is missing");
        var revision = reader.GetInt64(0);
        long? live = key is null ? null : Storage.Revision.Absent;
        if (key is not null && await reader.NextResultAsync(cancellationToken) && await reader.ReadAsync(cancellationToken))
            live = reader.GetInt64(0);
        return new WriteScope(connection, now, changeLogRetention, revision, live);
    }

    /// <summary>
    /// A scope for a write to the audit tables only, inside the open transaction on <paramref name="connection"/>: it
    /// takes no lock, so group commits of audit events never wait for the store's writers, nor they for them.
    /// </summary>
    public static WriteScope BeginAudit(NpgsqlConnection connection, long now) => new(connection, now, 0, 0, null) { _auditOnly = true };

    /// <inheritdoc />
    /// <remarks>Read when the lock was taken, in <see cref="BeginAsync"/>.</remarks>
    public Task<long> LiveRevisionAsync(CancellationToken cancellationToken) =>
        Task.FromResult(_liveRevision ?? throw new InvalidOperationException("the write was begun for no key"));

    /// <summary>Writes <paramref name="items"/> (distinct keys) at consecutive revisions in list order and returns the last.</summary>
    public Task<long> PutAsync(IReadOnlyList<BatchPut> items, CancellationToken cancellationToken)
    {
        var first = Revision + 1;
        var keys = new string[items.Count];
        var values = new byte[items.Count][];
        var revisions = new long[items.Count];
        var expires = new long?[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            keys[i] = items[i].Key;
            values[i] = items[i].Value.ToArray();
            revisions[i] = first + i;
            expires[i] = UnixTime.ToMilliseconds(items[i].Expires);
        }

        return WriteAsync(
            Sql.BatchCommand(
                """
                WITH written AS (SELECT * FROM unnest($1::text[], $2::bytea[], $3::bigint[], $4::bigint[]) AS w (key, value, revision, expires)),
                     stored AS (
                         INSERT INTO postern_items (key, value, revision, expires) SELECT key, value, revision, expires FROM written
                         ON CONFLICT (key) DO UPDATE SET value = excluded.value, revision = excluded.revision, expires = excluded.expires)
                INSERT INTO postern_changes (revision, kind, key, value, expires) SELECT revision, $5, key, value, expires FROM written
                """,
                keys,
                values,
                revisions,
                expires,
                (short)StoredChangeKind.Put),
            items.Count,
            cancellationToken);
    }

    /// <summary>Deletes the items at <paramref name="keys"/> (distinct; live or expired) at consecutive revisions in list order and returns the last.</summary>
    public Task<long> DeleteAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var array = keys.ToArray();
        return WriteAsync(
            Sql.BatchCommand(
                """
                WITH deleted AS (SELECT * FROM unnest($1::text[]) WITH ORDINALITY AS d (key, position)),
                     removed AS (DELETE FROM postern_items WHERE key = ANY ($1))
                INSERT INTO postern_changes (revision, kind, key) SELECT $2 + position, $3, key FROM deleted
                """,
                array,
                Revision,
                (short)StoredChangeKind.Delete),
            array.Length,
            cancellationToken);
    }

    /// <summary>Up to <paramref name="limit"/> keys whose expiry has passed, oldest expiry first.</summary>
    public async Task<IReadOnlyList<string>> ExpiredKeysAsync(int limit, CancellationToken cancellationToken)
    {
        await using var command = Sql.Command(
            _connection,
            "SELECT key FROM postern_items WHERE expires <= $1 ORDER BY expires, key LIMIT $2",
            _now,
            limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
            keys.Add(reader.GetString(0));
        return keys;
    }

    /// <summary>Runs <paramref name="change"/>, which uses the next <paramref name="count"/> revisions, with the bookkeeping of every write.</summary>
    private async Task<long> WriteAsync(NpgsqlBatchCommand change, int count, CancellationToken cancellationToken)
    {
        var last = Revision + count;
        await using var batch = new NpgsqlBatch(_connection)
        {
            BatchCommands =
            {
                change,
                Sql.BatchCommand("UPDATE postern_revision SET revision = $1 WHERE id = 1", last),

                // Keep the latest ChangeLogRetention changes; each write drops what fell out of the window (one
                // row in the steady state), so the log never needs a separate compaction pass.
                Sql.BatchCommand("DELETE FROM postern_changes WHERE revision <= $1", last - _changeLogRetention),

                // Delivered at commit, and only then: a watcher woken by it finds the change committed.
                Sql.BatchCommand("SELECT pg_notify($1, $2)", ChangeListener.Channel, last.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
        Revision = last;
        Wrote = true;
        ChangedItems = true;
        return last;
    }

    /// <inheritdoc />
    /// <remarks>One multi-row insert (arrays unnested) for the whole group commit; no change-log row, no NOTIFY.</remarks>
    public async Task AppendAuditAsync(IReadOnlyList<AuditRow> rows, CancellationToken cancellationToken)
    {
        // The rows and the chain's head in one round trip.
        var head = rows[^1];
        await using var batch = new NpgsqlBatch(_connection)
        {
            BatchCommands =
            {
                Sql.BatchCommand(
                    """
                    INSERT INTO postern_audit_events (chain, sequence, time, type, actor, jti, id, previous, hash, line)
                    SELECT $1, * FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bytea[], $9::bytea[], $10::bytea[])
                    """,
                    rows[0].Chain,
                    rows.Select(r => r.Sequence).ToArray(),
                    rows.Select(r => r.Time).ToArray(),
                    rows.Select(r => r.Type).ToArray(),
                    rows.Select(r => r.Actor).ToArray(),
                    rows.Select(r => r.Jti).ToArray(),
                    rows.Select(r => r.Id).ToArray(),
                    rows.Select(r => r.Previous).ToArray(),
                    rows.Select(r => r.Hash).ToArray(),
                    rows.Select(r => r.Line).ToArray()),
                Sql.BatchCommand(Dialect(AuditSql.MoveHead, "chain", "sequence", "hash"), head.Chain, head.Sequence, head.Hash),
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
        Wrote = true;
    }

    /// <inheritdoc />
    public async Task WriteCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        await using var command = Sql.Command(
            _connection,
            "INSERT INTO postern_audit_checkpoints (chain, sequence, head, time, kid, signature) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (chain, sequence) DO NOTHING",
            checkpoint.Chain,
            checkpoint.Sequence,
            checkpoint.Head,
            checkpoint.Time.ToUnixTimeMilliseconds(),
            checkpoint.Kid,
            checkpoint.Signature);
        await command.ExecuteNonQueryAsync(cancellationToken);
        Wrote = true;
    }

    /// <inheritdoc />
    public async Task<int> DeleteAuditBeforeAsync(long before, CancellationToken cancellationToken)
    {
        Wrote = true;
        await using var events = Sql.Command(_connection, Dialect(AuditSql.DeleteEvents, "before"), before);
        var deleted = await events.ExecuteNonQueryAsync(cancellationToken);
        await using var checkpoints = Sql.Command(_connection, Dialect(AuditSql.DeleteCheckpoints, "before"), before);
        await checkpoints.ExecuteNonQueryAsync(cancellationToken);
        return deleted;
    }

    /// <inheritdoc />
    public async Task<long> StoreRevisionAsync(CancellationToken cancellationToken)
    {
        if (!_auditOnly)
            return Revision;
        await using var command = Sql.Command(_connection, "SELECT revision FROM postern_revision WHERE id = 1");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static string Dialect(string sql, params string[] names) => AuditSql.For(sql, "postern_", (position, _) => "$" + position, names);
}
