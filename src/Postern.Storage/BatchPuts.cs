namespace Postern.Storage;

/// <summary>The rules a batch for <c>PutBatchAsync</c> follows, whatever the backend.</summary>
internal static class BatchPuts
{
    /// <summary>Throws <see cref="ArgumentException"/> when a key breaks the key rules or stands in the batch twice.</summary>
    public static void ThrowIfInvalid(IReadOnlyList<BatchPut> items, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(items, parameterName);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            StoreKey.ThrowIfInvalid(item.Key, parameterName);
            if (!keys.Add(item.Key))
                throw new ArgumentException($"the key '{item.Key}' is in the batch more than once", parameterName);
        }
    }
}
