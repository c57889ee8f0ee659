namespace Postern.Storage.Sqlite;

/// <summary>Checks <see cref="SqliteBackendOptions"/> before anything is opened, reporting every problem at once.</summary>
internal static class SqliteBackendOptionsValidator
{
    public static void ThrowIfInvalid(SqliteBackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        BackendOptionsRules.ThrowIfInvalid(
            "SQLite",
            options.ChangeLogRetention,
            options.SweepInterval,
            options.WatchPollInterval,
            string.IsNullOrWhiteSpace(options.Path) ? "Path must name the database file" : null,
            BackendOptionsRules.TimeProblem(options.Time));
    }
}
