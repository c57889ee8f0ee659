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
        if (options.ChangeLogRetention < 1)
            problems.Add($"ChangeLogRetention must be at least 1, not {options.ChangeLogRetention}");
        if (!IsPeriod(options.SweepInterval))
            problems.Add($"SweepInterval must be positive or Timeout.InfiniteTimeSpan, not {options.SweepInterval}");
        if (!IsPeriod(options.WatchPollInterval))
            problems.Add($"WatchPollInterval must be positive or Timeout.InfiniteTimeSpan, not {options.WatchPollInterval}");

        if (problems.Count > 0)
            throw new ArgumentException($"invalid SQLite store options: {string.Join("; ", problems)}", nameof(options));
    }

    private static bool IsPeriod(TimeSpan period) => period > TimeSpan.Zero || period == Timeout.InfiniteTimeSpan;
}
