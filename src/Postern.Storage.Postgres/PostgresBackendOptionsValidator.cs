using Npgsql;

namespace Postern.Storage.Postgres;

/// <summary>Checks <see cref="PostgresBackendOptions"/> before anything is opened, reporting every problem at once.</summary>
internal static class PostgresBackendOptionsValidator
{
    public static void ThrowIfInvalid(PostgresBackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        BackendOptionsRules.ThrowIfInvalid(
            "PostgreSQL",
            options.ChangeLogRetention,
            options.SweepInterval,
            options.WatchPollInterval,
            ConnectionStringProblem(options.ConnectionString),
            BackendOptionsRules.TimeProblem(options.Time),
            options.Logger is null ? "Logger must be set" : null);
    }

    private static string? ConnectionStringProblem(string connectionString) =>
        string.IsNullOrWhiteSpace(connectionString) ? "ConnectionString must name the database"
        : ParseProblem(connectionString) is { } problem ? $"ConnectionString is not valid: {problem}"
        : null;

    private static string? ParseProblem(string connectionString)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
            return null;
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            return e.Message;
        }
    }
}
