using System.Text;

namespace Postern.Storage;

/// <summary>
/// A lease in the store (<c>/leases/&lt;name&gt;</c>): at most one holder at a time, for work that one instance
/// of several must do alone. Taken and renewed by conditional writes of an expiring item; a holder that stops
/// renewing loses it when the item expires. The holder counts the lease as its own only until a safety margin
/// before that expiry, so that it stops before another instance can start.
/// </summary>
/// <remarks>Each instance judges expiry by its own clock: the instances' clocks must agree to well within the margin.</remarks>
public sealed class StoreLease(IBackend store, string name, string holder, TimeSpan duration, TimeProvider time)
{
    /// <summary>The store folder of leases.</summary>
    public const string StorePrefix = "/leases/";

    private long _ownUntilTicks; // UTC ticks; 0: not held

    /// <summary>The store key of the lease.</summary>
    public string Key { get; } = StorePrefix + name;

    /// <summary>This instance's name in the lease.</summary>
    public string Holder { get; } = holder;

    /// <summary>Whether this instance holds the lease now.</summary>
    public bool IsHeld => time.GetUtcNow().UtcTicks < Volatile.Read(ref _ownUntilTicks);

    /// <summary>The instance that holds the lease, or <c>null</c> when nobody does.</summary>
    public async Task<string?> HolderAsync(CancellationToken cancellationToken) =>
        await store.GetAsync(Key, cancellationToken).ConfigureAwait(false) is { } item ? Encoding.UTF8.GetString(item.Value.Span) : null;

    /// <summary>Takes the lease when nobody holds it, or renews it when this instance does; returns whether it holds it now.</summary>
    public async Task<bool> TryAcquireAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var current = await store.GetAsync(Key, cancellationToken).ConfigureAwait(false);
        if (current is not null && Encoding.UTF8.GetString(current.Value.Span) != Holder)
        {
            Volatile.Write(ref _ownUntilTicks, 0);
            return false;
        }

        var expires = now + duration;
        var result = await store.CompareAndSwapAsync(Key, current?.Revision ?? Revision.Absent, Encoding.UTF8.GetBytes(Holder), expires, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _ownUntilTicks, result.Succeeded ? (now + (duration / 2)).UtcTicks : 0);
        return result.Succeeded;
    }

    /// <summary>Gives the lease up at once, if this instance holds it.</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _ownUntilTicks, 0);
        if (await store.GetAsync(Key, cancellationToken).ConfigureAwait(false) is { } item && Encoding.UTF8.GetString(item.Value.Span) == Holder)
        {
            await store.CompareAndDeleteAsync(Key, item.Revision, cancellationToken).ConfigureAwait(false);
        }
    }
}
