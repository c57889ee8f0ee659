namespace Postern.Storage;

/// <summary>The option rules every backend shares, checked before anything is opened, every problem reported at once.</summary>
internal static class BackendOptionsRules
{
    /// <summary>
    /// Throws <see cref="ArgumentException"/> for the parameter <c>options</c> naming every problem: first the
    /// backend's own (<paramref name="backendProblems"/>; <c>null</c> for a rule that holds), then those of the change
    /// log retention and of the sweep and poll periods.
    /// </summary>
    /// <param name="store">The store's name in the message: <c>SQLite</c>, <c>PostgreSQL</c>.</param>
    public static void ThrowIfInvalid(
        string store, int changeLogRetention, TimeSpan sweepInterval, TimeSpan watchPollInterval, params ReadOnlySpan<string?> backendProblems)
    {
        var problems = new List<string>();
        foreach (var problem in backendProblems)
        {
            if (problem is not null)
                problems.Add(problem);
        }

        if (changeLogRetention < 1)
            problems.Add($"ChangeLogRetention must be at least 1, not {changeLogRetention}");
        if (!IsPeriod(sweepInterval))
            problems.Add($"SweepInterval must be positive or Timeout.InfiniteTimeSpan, not {sweepInterval}");
        if (!IsPeriod(watchPollInterval))
            problems.Add($"WatchPollInterval must be positive or Timeout.InfiniteTimeSpan, not {watchPollInterval}");

        if (problems.Count > 0)
            throw new ArgumentException($"invalid {store} store options: {string.Join("; ", problems)}", "options");
    }

    /// <summary>The problem with a clock option, if any.</summary>
    public static string? TimeProblem(TimeProvider? time) => time is null ? "Time must be set" : null;

    private static bool IsPeriod(TimeSpan period) => period > TimeSpan.Zero || period == Timeout.InfiniteTimeSpan;
}
