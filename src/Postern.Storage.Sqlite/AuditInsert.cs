using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Postern.Storage.Sqlite;

/// <summary>
/// Inserts audit rows with SQLite's own prepared statement, <see cref="RowsPerInsert"/> rows to a statement run, each
/// value bound by its position.
/// </summary>
/// <remarks>
/// The provider binds a command's parameters by name, and SQLite finds a name by walking the statement's list of
/// names: for an <c>INSERT</c> of 32 rows of 10 values that is some 50,000 string comparisons a run, which a profile
/// of the indexer showed as a quarter of its CPU. Positions cost nothing to find, and a run of 32 rows keeps the
/// provider's per-statement cost spread thin. The statement runs on the connection (and in the transaction) the
/// caller holds; every value is a bound parameter, never SQL text.
/// </remarks>
internal static class AuditInsert
{
    /// <summary>How many audit rows one <c>INSERT</c> carries at most (10 values each; SQLite allows 32,766).</summary>
    private const int RowsPerInsert = 32;

    /// <summary>The values of one audit row, in the statement's column order.</summary>
    private const int Columns = 10;

    private const string Head = "INSERT INTO audit_events (chain, sequence, time, type, actor, jti, id, previous, hash, line) VALUES ";

    /// <summary>Inserts <paramref name="rows"/> on <paramref name="connection"/>; throws <see cref="SqliteException"/> as the provider would.</summary>
    public static void Run(SqliteConnection connection, IReadOnlyList<AuditRow> rows, CancellationToken cancellationToken)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("the connection is not open");
        sqlite3_stmt? full = null;
        try
        {
            for (var first = 0; first < rows.Count; first += RowsPerInsert)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var count = Math.Min(RowsPerInsert, rows.Count - first);
                var statement = count == RowsPerInsert ? full ??= Prepare(db, count) : Prepare(db, count);
                try
                {
                    for (var i = 0; i < count; i++)
                        Bind(db, statement, (i * Columns) + 1, rows[first + i]);
                    var done = raw.sqlite3_step(statement);
                    if (done != raw.SQLITE_DONE)
                        SqliteException.ThrowExceptionForRC(done, db);
                }
                finally
                {
                    raw.sqlite3_reset(statement);
                    if (statement != full)
                        statement.Dispose();
                }
            }
        }
        finally
        {
            full?.Dispose();
        }
    }

    private static sqlite3_stmt Prepare(sqlite3 db, int count)
    {
        var sql = new System.Text.StringBuilder(Head, Head.Length + (count * ((Columns * 3) + 2)));
        for (var i = 0; i < count; i++)
            sql.Append(i == 0 ? "(" : ", (").Append("?, ?, ?, ?, ?, ?, ?, ?, ?, ?").Append(')');
        var prepared = raw.sqlite3_prepare_v2(db, sql.ToString(), out var statement);
        if (prepared != raw.SQLITE_OK)
        {
            statement.Dispose();
            SqliteException.ThrowExceptionForRC(prepared, db);
        }

        return statement;
    }

    /// <summary>Binds <paramref name="row"/>'s values from position <paramref name="at"/> (SQLite counts from 1).</summary>
    private static void Bind(sqlite3 db, sqlite3_stmt statement, int at, AuditRow row)
    {
        Check(db, raw.sqlite3_bind_text(statement, at, row.Chain));
        Check(db, raw.sqlite3_bind_int64(statement, at + 1, row.Sequence));
        Check(db, raw.sqlite3_bind_int64(statement, at + 2, row.Time));
        Check(db, raw.sqlite3_bind_text(statement, at + 3, row.Type));
        Check(db, row.Actor is null ? raw.sqlite3_bind_null(statement, at + 4) : raw.sqlite3_bind_text(statement, at + 4, row.Actor));
        Check(db, row.Jti is null ? raw.sqlite3_bind_null(statement, at + 5) : raw.sqlite3_bind_text(statement, at + 5, row.Jti));
        Check(db, raw.sqlite3_bind_text(statement, at + 6, row.Id));
        Check(db, BindBlob(statement, at + 7, row.Previous));
        Check(db, BindBlob(statement, at + 8, row.Hash));
        Check(db, BindBlob(statement, at + 9, row.Line));
    }

    /// <summary>A blob, an empty one as a blob of no bytes (not as NULL).</summary>
    private static int BindBlob(sqlite3_stmt statement, int at, byte[] value) =>
        value.Length == 0 ? raw.sqlite3_bind_zeroblob(statement, at, 0) : raw.sqlite3_bind_blob(statement, at, value);

    private static void Check(sqlite3 db, int result)
    {
        if (result != raw.SQLITE_OK)
            SqliteException.ThrowExceptionForRC(result, db);
    }
}
