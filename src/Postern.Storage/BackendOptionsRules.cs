namespace Postern.Storage;

/// <summary>The option rules every backend shares, checked before anything is opened, every problem reported at once.</summary>
internal static class BackendOptionsRules
{
    /// <summary>Adds a problem for the store-wide change log retention and the sweep and poll periods.</summary>
    public static void AddProblems(List<string> problems, int changeLogRetention, TimeSpan sweepInterval, TimeSpan watchPollInterval)
    {
        if (changeLogRetention < 1)
            problems.Add($"ChangeLogRetention must be at least 1, not {changeLogRetention}");
        if (!IsPeriod(sweepInterval))
            problems.Add($"SweepInterval must be positive or Timeout.InfiniteTimeSpan, not {sweepInterval}");
        if (!IsPeriod(watchPollInterval))
            problems.Add($"WatchPollInterval must be positive or Timeout.InfiniteTimeSpan, not {watchPollInterval}");
    }

    /// <summary>Throws <see cref="ArgumentException"/> for the parameter <c>options</c> naming every problem, if there is any.</summary>
    public static void ThrowIfAny(List<string> problems, string store)
    {
        if (problems.Count > 0)
            throw new ArgumentException($"invalid {store} store options: {string.Join("; ", problems)}", "options");
    }

    private static bool IsPeriod(TimeSpan period) => period > TimeSpan.Zero || period == Timeout.InfiniteTimeSpan;
}
