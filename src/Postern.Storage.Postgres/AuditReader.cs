using Npgsql;

namespace Postern.Storage.Postgres;

/// <summary>Reads the audit tables on pooled connections.</summary>
internal sealed class AuditReader(NpgsqlDataSource dataSource) : IAuditReader
{
    private const string Columns = "chain, sequence, previous, hash, line";

    public async Task<IReadOnlyList<StoredAuditEvent>> SearchAsync(AuditSearch search, CancellationToken cancellationToken)
    {
        // Only the conditions set stand in the statement, so that the planner picks the index that serves them.
        var conditions = new List<string>();
        var values = new List<object?>();
        void Add(string column, string op, string? value)
        {
            if (value is null)
                return;
            values.Add(value);
            conditions.Add($"{column} {op} ${values.Count}");
        }

        Add("type", "=", search.Type);
        Add("actor", "=", search.Actor);
        Add("jti", "=", search.Jti);
        Add("id", "=", search.Id);
        Add("id", ">=", search.FromId);
        Add("id", "<", search.BeforeId);
        values.Add(search.Limit);
        var where = conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions);
        await using var command = Sql.Command(dataSource, $"SELECT {Columns} FROM postern_audit_events{where} ORDER BY id DESC LIMIT ${values.Count}", values.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await AuditRows.ReadEventsAsync(reader, cancellationToken);
    }

    public async Task<IReadOnlyList<StoredAuditEvent>> ReadChainAsync(string chain, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        await using var command = Sql.Command(dataSource, $"SELECT {Columns} FROM postern_audit_events WHERE chain = $1 AND sequence > $2 ORDER BY sequence LIMIT $3", chain, afterSequence, limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await AuditRows.ReadEventsAsync(reader, cancellationToken);
    }

    public async Task<IReadOnlyList<AuditChainHead>> HeadsAsync(CancellationToken cancellationToken)
    {
        await using var command = Sql.Command(dataSource, AuditSql.For(AuditSql.Heads, "postern_", (_, _) => ""));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await AuditRows.ReadHeadsAsync(reader, cancellationToken);
    }

    public async Task<IReadOnlyList<AuditCheckpoint>> CheckpointsAsync(CancellationToken cancellationToken)
    {
        await using var command = Sql.Command(dataSource, "SELECT chain, sequence, head, time, kid, signature FROM postern_audit_checkpoints ORDER BY chain, sequence");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await AuditRows.ReadCheckpointsAsync(reader, cancellationToken);
    }
}
