using Npgsql;

namespace Postern.Storage.Postgres;

/// <summary>Builds parameterised statements; every value reaches PostgreSQL as a positional parameter (<c>$1</c>…), never as SQL text.</summary>
internal static class Sql
{
    public static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params ReadOnlySpan<object?> values)
    {
        var command = new NpgsqlCommand(sql, connection);
        AddParameters(command.Parameters, values);
        return command;
    }

    public static NpgsqlCommand Command(NpgsqlDataSource dataSource, string sql, params ReadOnlySpan<object?> values)
    {
        var command = dataSource.CreateCommand(sql);
        AddParameters(command.Parameters, values);
        return command;
    }

    public static NpgsqlBatchCommand BatchCommand(string sql, params ReadOnlySpan<object?> values)
    {
        var command = new NpgsqlBatchCommand(sql);
        AddParameters(command.Parameters, values);
        return command;
    }

    private static void AddParameters(NpgsqlParameterCollection parameters, ReadOnlySpan<object?> values)
    {
        foreach (var value in values)
            parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
    }
}
