using Postern.Audit;

namespace Postern.Storage;

/// <summary>Tells audit events (items under <see cref="AuditLog.Prefix"/>) from the store's own items.</summary>
internal static class AuditItems
{
    /// <summary>Whether <paramref name="key"/> names an audit event.</summary>
    public static bool IsEvent(string key) => key.StartsWith(AuditLog.Prefix, StringComparison.Ordinal);

    /// <summary><paramref name="items"/> split into the store's items and the audit events, each in list order.</summary>
    public static (BatchPut[] State, BatchPut[] Events) Split(IReadOnlyList<BatchPut> items)
    {
        var state = new List<BatchPut>(items.Count);
        var events = new List<BatchPut>();
        foreach (var item in items)
            (IsEvent(item.Key) ? events : state).Add(item);
        return ([.. state], [.. events]);
    }

    /// <summary>Refuses an audit event where only a store item can stand (the key of a conditional write).</summary>
    public static void ThrowIfEvent(string key, string parameterName)
    {
        if (IsEvent(key))
            throw new ArgumentException($"'{key}' is under {AuditLog.Prefix}, the audit log's: an audit event is appended, never compared and swapped", parameterName);
    }
}
