using Npgsql;

namespace Postern.Storage.Postgres;

/// <summary>Checks <see cref="PostgresBackendOptions"/> before anything is opened, reporting every problem at once.</summary>
internal static class PostgresBackendOptionsValidator
{
    public static void ThrowIfInvalid(PostgresBackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
            problems.Add("ConnectionString must name the database");
        else if (ParseProblem(options.ConnectionString) is { } problem)
            problems.Add($"ConnectionString is not valid: {problem}");
        if (options.Time is null)
            problems.Add("Time must be set");
        if (options.Logger is null)
            problems.Add("Logger must be set");
        BackendOptionsRules.AddProblems(problems, options.ChangeLogRetention, options.SweepInterval, options.WatchPollInterval);
        BackendOptionsRules.ThrowIfAny(problems, "PostgreSQL");
    }

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
