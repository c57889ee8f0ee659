using Postern.Storage;

namespace Postern.Storage.Conformance;

/// <summary>Reads a watch in tests, never for longer than a bound.</summary>
internal static class WatchCollector
{
    /// <summary>
    /// The first <paramref name="count"/> changes of a watch; fails the test with what did arrive if they do not
    /// all arrive within <paramref name="patience"/>. The watch is cancelled afterwards.
    /// </summary>
    public static Task<List<Change>> TakeAsync(IBackend store, string prefix, long after, int count, TimeSpan patience) =>
        TakeUntilAsync(store, prefix, after, changes => changes.Count >= count, patience, $"{count} changes");

    /// <summary>Changes of a watch up to and including the first for which <paramref name="done"/> holds.</summary>
    public static async Task<List<Change>> TakeUntilAsync(
        IBackend store, string prefix, long after, Func<List<Change>, bool> done, TimeSpan patience, string what)
    {
        using var timeout = new CancellationTokenSource(patience);
        var changes = new List<Change>();
        try
        {
            await foreach (var change in store.WatchAsync(prefix, after, timeout.Token))
            {
                changes.Add(change);
                if (done(changes))
                    return changes;
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            // the bound passed; reported below
        }

        Assert.Fail($"the watch on '{prefix}' after {after} did not deliver {what} within {patience}; it delivered: {Describe(changes)}");
        return changes;
    }

    /// <summary>A readable list of changes for failure messages.</summary>
    public static string Describe(IEnumerable<Change> changes) =>
        "[" + string.Join(", ", changes.Select(c => $"{c.Revision}:{c.Kind}:{c.Key}")) + "]";
}
