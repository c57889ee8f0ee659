namespace Postern.Storage.Sqlite;

/// <summary>Checks <see cref="SqliteBackendOptions"/> before anything is opened, reporting every problem at once.</summary>
internal static class SqliteBackendOptionsValidator
{
    public static void ThrowIfInvalid(SqliteBackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Path))
            problems.Add("Path must name the database file");
        if (options.Time is null)
            problems.Add("Time must be set");
        BackendOptionsRules.AddProblems(problems, options.ChangeLogRetention, options.SweepInterval, options.WatchPollInterval);
        BackendOptionsRules.ThrowIfAny(problems, "SQLite");
    }
}
