using Microsoft.Data.Sqlite;

namespace Postern.Storage.Sqlite;

/// <summary>Reads the audit tables on the backend's read connections.</summary>
internal sealed class AuditReader(SqliteConnectionSource connections) : IAuditReader
{
    private const string Columns = "chain, sequence, previous, hash, line";

    public Task<IReadOnlyList<StoredAuditEvent>> SearchAsync(AuditSearch search, CancellationToken cancellationToken)
    {
        var sql = "SELECT " + Columns + " FROM audit_events WHERE 1 = 1"
            + (search.Type is null ? "" : " AND type = $type")
            + (search.Actor is null ? "" : " AND actor = $actor")
            + (search.Jti is null ? "" : " AND jti = $jti")
            + (search.Id is null ? "" : " AND id = $id")
            + (search.FromId is null ? "" : " AND id >= $from")
            + (search.BeforeId is null ? "" : " AND id < $before")
            + " ORDER BY id DESC LIMIT $limit";
        return ReadEventsAsync(sql, cancellationToken, ("$type", search.Type), ("$actor", search.Actor), ("$jti", search.Jti), ("$id", search.Id), ("$from", search.FromId), ("$before", search.BeforeId), ("$limit", search.Limit));
    }

    public Task<IReadOnlyList<StoredAuditEvent>> ReadChainAsync(string chain, long afterSequence, int limit, CancellationToken cancellationToken) =>
        ReadEventsAsync(
            "SELECT " + Columns + " FROM audit_events WHERE chain = $chain AND sequence > $after ORDER BY sequence LIMIT $limit",
            cancellationToken,
            ("$chain", chain),
            ("$after", afterSequence),
            ("$limit", limit));

    public async Task<IReadOnlyList<AuditChainHead>> HeadsAsync(CancellationToken cancellationToken)
    {
        var connection = await connections.RentReaderAsync(cancellationToken);
        try
        {
            await using var command = Statement.Create(connection, null, AuditSql.Heads);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await AuditRows.ReadHeadsAsync(reader, cancellationToken);
        }
        finally
        {
            connections.ReturnReader(connection);
        }
    }

    public async Task<IReadOnlyList<AuditCheckpoint>> CheckpointsAsync(CancellationToken cancellationToken)
    {
        var connection = await connections.RentReaderAsync(cancellationToken);
        try
        {
            await using var command = Statement.Create(connection, null, "SELECT chain, sequence, head, time, kid, signature FROM audit_checkpoints ORDER BY chain, sequence");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await AuditRows.ReadCheckpointsAsync(reader, cancellationToken);
        }
        finally
        {
            connections.ReturnReader(connection);
        }
    }

    private async Task<IReadOnlyList<StoredAuditEvent>> ReadEventsAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        var connection = await connections.RentReaderAsync(cancellationToken);
        try
        {
            await using SqliteCommand command = Statement.Create(connection, null, sql, parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await AuditRows.ReadEventsAsync(reader, cancellationToken);
        }
        finally
        {
            connections.ReturnReader(connection);
        }
    }
}
