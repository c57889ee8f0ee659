using Microsoft.Data.Sqlite;

namespace Postern.Storage.Sqlite;

/// <summary>
/// One write transaction (<c>BEGIN IMMEDIATE</c>, so the file's write lock is held from the start). Every
/// change goes through <see cref="PutAsync(IReadOnlyList{BatchPut}, CancellationToken)"/> or
/// <see cref="DeleteAsync(IReadOnlyList{string}, CancellationToken)"/>, which bump the store revision, change the
/// item and append to the change log together, so the three can never disagree.
/// </summary>
/// <param name="liveKey">The key whose live revision <see cref="LiveRevisionAsync"/> reads; <c>null</c> for none.</param>
internal sealed class WriteScope(SqliteConnection connection, SqliteTransaction transaction, long now, int changeLogRetention, string? liveKey) : IWriteScope
{
    /// <inheritdoc />
    public bool Wrote { get; private set; }

    /// <inheritdoc />
    public bool ChangedItems { get; private set; }

    /// <inheritdoc />
    public async Task<long> LiveRevisionAsync(CancellationToken cancellationToken) =>
        await Statement.ScalarAsync(
            connection,
            transaction,
            "SELECT revision FROM items WHERE key = $key AND (expires IS NULL OR expires > $now)",
            cancellationToken,
            ("$key", liveKey ?? throw new InvalidOperationException("the write was begun for no key")),
            ("$now", now)) ?? Revision.Absent;

    /// <inheritdoc />
    /// <remarks>One item is written with single statements; more with each statement prepared once for the whole batch.</remarks>
    public Task<long> PutAsync(IReadOnlyList<BatchPut> items, CancellationToken cancellationToken) =>
        items.Count == 1
            ? PutOneAsync(items[0].Key, items[0].Value, items[0].Expires, cancellationToken)
            : PutBatchAsync(items, cancellationToken);

    /// <inheritdoc />
    public async Task<long> DeleteAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var revision = 0L;
        foreach (var deleted in keys)
            revision = await DeleteOneAsync(deleted, cancellationToken);
        return revision;
    }

    /// <summary>Writes the item and returns its new revision.</summary>
    private async Task<long> PutOneAsync(string key, ReadOnlyMemory<byte> value, DateTimeOffset? expires, CancellationToken cancellationToken)
    {
        var revision = await NextRevisionAsync(cancellationToken);
        var bytes = value.ToArray();
        var expiresAt = UnixTime.ToMilliseconds(expires);
        await Statement.ExecuteAsync(
            connection,
            transaction,
            """
            INSERT INTO items (key, value, revision, expires) VALUES ($key, $value, $revision, $expires)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, revision = excluded.revision, expires = excluded.expires
            """,
            cancellationToken,
            ("$key", key),
            ("$value", bytes),
            ("$revision", revision),
            ("$expires", expiresAt));
        await AppendChangeAsync(ChangeKind.Put, key, bytes, expiresAt, revision, cancellationToken);
        return revision;
    }

    /// <summary>
    /// Writes every item of <paramref name="items"/> in order, at consecutive revisions, and returns the last. The
    /// same as <see cref="PutOneAsync"/> per item, with each statement prepared once for the whole batch (the audit
    /// log's group commits write hundreds of items at a time).
    /// </summary>
    private async Task<long> PutBatchAsync(IReadOnlyList<BatchPut> items, CancellationToken cancellationToken)
    {
        Wrote = true;
        ChangedItems = true;
        var last = await Statement.ScalarAsync(
            connection,
            transaction,
            "UPDATE store SET revision = revision + $count WHERE id = 1 RETURNING revision",
            cancellationToken,
            ("$count", items.Count)) ?? throw new InvalidOperationException("the store row is missing");
        await using var upsert = Statement.Create(
            connection,
            transaction,
            "INSERT INTO items (key, value, revision, expires) VALUES ($key, $value, $revision, $expires) "
            + "ON CONFLICT (key) DO UPDATE SET value = excluded.value, revision = excluded.revision, expires = excluded.expires",
            ("$key", ""),
            ("$value", Array.Empty<byte>()),
            ("$revision", 0L),
            ("$expires", null));
        await using var log = Statement.Create(
            connection,
            transaction,
            "INSERT INTO changes (revision, kind, key, value, expires) VALUES ($revision, $kind, $key, $value, $expires)",
            ("$revision", 0L),
            ("$kind", StoredChangeKind.ToCode(ChangeKind.Put)),
            ("$key", ""),
            ("$value", Array.Empty<byte>()),
            ("$expires", null));
        var revision = last - items.Count;
        foreach (var item in items)
        {
            revision++;
            var bytes = item.Value.ToArray();
            object expires = UnixTime.ToMilliseconds(item.Expires) is { } at ? at : DBNull.Value;
            foreach (var command in new[] { upsert, log })
            {
                command.Parameters["$key"].Value = item.Key;
                command.Parameters["$value"].Value = bytes;
                command.Parameters["$revision"].Value = revision;
                command.Parameters["$expires"].Value = expires;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await Statement.ExecuteAsync(
            connection,
            transaction,
            "DELETE FROM changes WHERE revision <= $revision - $retention",
            cancellationToken,
            ("$revision", last),
            ("$retention", changeLogRetention));
        return last;
    }

    /// <summary>Deletes the item (live or expired) and returns the revision of the deletion.</summary>
    private async Task<long> DeleteOneAsync(string key, CancellationToken cancellationToken)
    {
        var revision = await NextRevisionAsync(cancellationToken);
        await Statement.ExecuteAsync(connection, transaction, "DELETE FROM items WHERE key = $key", cancellationToken, ("$key", key));
        await AppendChangeAsync(ChangeKind.Delete, key, null, null, revision, cancellationToken);
        return revision;
    }

    /// <inheritdoc />
    /// <remarks>The rows go through <see cref="AuditInsert"/>, on this transaction's connection.</remarks>
    public async Task AppendAuditAsync(IReadOnlyList<AuditRow> rows, CancellationToken cancellationToken)
    {
        Wrote = true;
        AuditInsert.Run(connection, rows, cancellationToken);
        var head = rows[^1];
        await Statement.ExecuteAsync(
            connection,
            transaction,
            Dialect(AuditSql.MoveHead, "chain", "sequence", "hash"),
            cancellationToken,
            ("$chain", head.Chain),
            ("$sequence", head.Sequence),
            ("$hash", head.Hash));
    }

    private static string Dialect(string sql, params string[] names) => AuditSql.For(sql, "", (_, name) => "$" + name, names);

    /// <inheritdoc />
    public async Task WriteCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        Wrote = true;
        await Statement.ExecuteAsync(
            connection,
            transaction,
            "INSERT INTO audit_checkpoints (chain, sequence, head, time, kid, signature) VALUES ($chain, $sequence, $head, $time, $kid, $signature) "
            + "ON CONFLICT (chain, sequence) DO NOTHING",
            cancellationToken,
            ("$chain", checkpoint.Chain),
            ("$sequence", checkpoint.Sequence),
            ("$head", checkpoint.Head),
            ("$time", checkpoint.Time.ToUnixTimeMilliseconds()),
            ("$kid", checkpoint.Kid),
            ("$signature", checkpoint.Signature));
    }

    /// <inheritdoc />
    public async Task<int> DeleteAuditBeforeAsync(long before, CancellationToken cancellationToken)
    {
        Wrote = true;
        var deleted = await Statement.ExecuteAsync(connection, transaction, Dialect(AuditSql.DeleteEvents, "before"), cancellationToken, ("$before", before));
        await Statement.ExecuteAsync(connection, transaction, Dialect(AuditSql.DeleteCheckpoints, "before"), cancellationToken, ("$before", before));
        return deleted;
    }

    /// <inheritdoc />
    public async Task<long> StoreRevisionAsync(CancellationToken cancellationToken) =>
        await Statement.ScalarAsync(connection, transaction, "SELECT revision FROM store WHERE id = 1", cancellationToken) ?? 0;

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ExpiredKeysAsync(int limit, CancellationToken cancellationToken)
    {
        await using var command = Statement.Create(
            connection,
            transaction,
            "SELECT key FROM items WHERE expires IS NOT NULL AND expires <= $now ORDER BY expires LIMIT $limit",
            ("$now", now),
            ("$limit", limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
            keys.Add(reader.GetString(0));
        return keys;
    }

    private async Task<long> NextRevisionAsync(CancellationToken cancellationToken)
    {
        Wrote = true;
        ChangedItems = true;
        return await Statement.ScalarAsync(
            connection,
            transaction,
            "UPDATE store SET revision = revision + 1 WHERE id = 1 RETURNING revision",
            cancellationToken) ?? throw new InvalidOperationException("the store row is missing");
    }

    private async Task AppendChangeAsync(ChangeKind kind, string key, byte[]? value, long? expires, long revision, CancellationToken cancellationToken)
    {
        // Keep the latest changeLogRetention changes; each write drops what fell out of the window
        // (one row in the steady state), so the log never needs a separate compaction pass.
        await Statement.ExecuteAsync(
            connection,
            transaction,
            """
            INSERT INTO changes (revision, kind, key, value, expires) VALUES ($revision, $kind, $key, $value, $expires);
            DELETE FROM changes WHERE revision <= $revision - $retention;
            """,
            cancellationToken,
            ("$revision", revision),
            ("$kind", StoredChangeKind.ToCode(kind)),
            ("$key", key),
            ("$value", value),
            ("$expires", expires),
            ("$retention", changeLogRetention));
    }
}
