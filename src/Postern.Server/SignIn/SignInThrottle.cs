using Postern.Server.Sessions;
using Postern.Server.State;
using Postern.Storage;

namespace Postern.Server.SignIn;

/// <summary>
/// Counts sign-in attempts in the store before any password or one-time code is checked, each with a conditional
/// write, so that concurrent attempts cannot all read the same count: an attempt that loses the race reads again.
/// Per (name, client address), <see cref="SignInLimits.MaxFailuresPerAddress"/> attempts are allowed, then the pair
/// is locked out with a lockout that doubles with each further failure; a success clears the count. Per name, from
/// every address together, attempts past <see cref="SignInLimits.FreeFailuresPerName"/> are spaced out by a doubling
/// delay up to <see cref="SignInLimits.MaxNameDelay"/> (answered 429 with <c>Retry-After</c>), which slows a guessing
/// botnet but never locks the real user out; an address the user signed in from is exempt. Unknown names are
/// counted the same way as known ones.
/// </summary>
internal sealed class SignInThrottle(IBackend store, SignInLimits limits, TimeProvider time)
{
    private const string AddressPrefix = SessionKeys.LoginAttemptsPrefix + "address/";
    private const string NamePrefix = SessionKeys.LoginAttemptsPrefix + "name/";
    private const int MaxRaces = 8;

    /// <summary>
    /// Why an attempt would be refused now, read without counting it (so that refused attempts cost no write), and
    /// whether the user has signed in from this address before.
    /// </summary>
    public async Task<(SignInRefusal? Refusal, bool KnownAddress)> CheckAsync(string username, string address, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (_, pair) = await ReadAsync<AddressAttempts>(AddressKey(username, address), cancellationToken).ConfigureAwait(false);
        if (LockedOut(pair, now) is { } locked)
        {
            return (locked, false);
        }

        if (IsKnown(pair, now))
        {
            return (null, true);
        }

        var (_, name) = await ReadAsync<NameAttempts>(NameKey(username), cancellationToken).ConfigureAwait(false);
        return (Slowed(name, now), false);
    }

    /// <summary>Counts an attempt, or says why it is refused; once counted, the password may be checked.</summary>
    public async Task<SignInRefusal?> ClaimAsync(string username, string address, CancellationToken cancellationToken)
    {
        var pairKey = AddressKey(username, address);
        var (item, pair) = await ReadAsync<AddressAttempts>(pairKey, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        if (LockedOut(pair, now) is { } locked)
        {
            return locked;
        }

        var countedForName = false;
        if (!IsKnown(pair, now))
        {
            if (await ClaimForNameAsync(username, cancellationToken).ConfigureAwait(false) is { } slowed)
            {
                return slowed;
            }

            countedForName = true;
        }

        for (var race = 0; race < MaxRaces; race++)
        {
            var failures = (Remembered(pair, now) ? pair!.Failures : 0) + 1;
            DateTimeOffset? notBefore = failures >= limits.MaxFailuresPerAddress
                ? now + Doubling(limits.FirstLockout, failures - limits.MaxFailuresPerAddress, limits.MaxLockout)
                : null;
            var next = new AddressAttempts(failures, now, notBefore, pair?.SignedIn);
            var write = await store.CompareAndSwapAsync(pairKey, item?.Revision ?? Revision.Absent, StoreJson.Serialize(next), Expiry(next, now), cancellationToken).ConfigureAwait(false);
            if (write.Succeeded)
            {
                return null;
            }

            (item, pair) = await ReadAsync<AddressAttempts>(pairKey, cancellationToken).ConfigureAwait(false);
            now = time.GetUtcNow();
            if (LockedOut(pair, now) is { } lockedMeanwhile)
            {
                await RefundNameAsync(username, countedForName, cancellationToken).ConfigureAwait(false);
                return lockedMeanwhile;
            }
        }

        await RefundNameAsync(username, countedForName, cancellationToken).ConfigureAwait(false);
        return new SignInRefusal(SignInRefusal.Busy, "too many concurrent attempts for the name", limits.BusyRetryAfter);
    }

    /// <summary>
    /// After a sign-in succeeded: clears the (name, address) count, remembers the address as the user's, and takes
    /// this attempt off the name's count.
    /// </summary>
    public async Task SucceededAsync(string username, string address, CancellationToken cancellationToken)
    {
        var pairKey = AddressKey(username, address);
        var (_, pair) = await ReadAsync<AddressAttempts>(pairKey, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var known = new AddressAttempts(0, null, null, now);
        await store.PutAsync(pairKey, StoreJson.Serialize(known), Expiry(known, now), cancellationToken).ConfigureAwait(false);
        await RefundNameAsync(username, !IsKnown(pair, now), cancellationToken).ConfigureAwait(false);
    }

    private async Task<SignInRefusal?> ClaimForNameAsync(string username, CancellationToken cancellationToken)
    {
        var key = NameKey(username);
        for (var race = 0; race < MaxRaces; race++)
        {
            var (item, name) = await ReadAsync<NameAttempts>(key, cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            if (Slowed(name, now) is { } slowed)
            {
                return slowed;
            }

            var failures = (name?.Failures ?? 0) + 1;
            DateTimeOffset? notBefore = failures > limits.FreeFailuresPerName
                ? now + Doubling(limits.FirstNameDelay, failures - limits.FreeFailuresPerName - 1, limits.MaxNameDelay)
                : null;
            var next = new NameAttempts(failures, notBefore);
            var write = await store.CompareAndSwapAsync(key, item?.Revision ?? Revision.Absent, StoreJson.Serialize(next), (notBefore ?? now) + limits.FailureWindow, cancellationToken).ConfigureAwait(false);
            if (write.Succeeded)
            {
                return null;
            }
        }

        return new SignInRefusal(SignInRefusal.Busy, "too many concurrent attempts for the name", limits.BusyRetryAfter);
    }

    // Best effort: a refund lost to a race leaves the name's count one too high, which only spaces attempts sooner.
    private async Task RefundNameAsync(string username, bool counted, CancellationToken cancellationToken)
    {
        var key = NameKey(username);
        for (var race = 0; counted && race < MaxRaces; race++)
        {
            var (item, name) = await ReadAsync<NameAttempts>(key, cancellationToken).ConfigureAwait(false);
            if (item is null || name is null || name.Failures <= 0)
            {
                return;
            }

            var next = name with { Failures = name.Failures - 1 };
            var write = await store.CompareAndSwapAsync(key, item.Revision, StoreJson.Serialize(next), item.Expires, cancellationToken).ConfigureAwait(false);
            if (write.Succeeded)
            {
                return;
            }
        }
    }

    private SignInRefusal? LockedOut(AddressAttempts? pair, DateTimeOffset now) =>
        pair?.NotBefore > now
            ? new SignInRefusal(SignInRefusal.LockedOut, "locked out after repeated failures", pair.NotBefore.Value - now)
            : null;

    private static SignInRefusal? Slowed(NameAttempts? name, DateTimeOffset now) =>
        name?.NotBefore > now
            ? new SignInRefusal(SignInRefusal.Slowed, "slowed after repeated failures for the name", name.NotBefore.Value - now)
            : null;

    // Failures are forgotten a window after the last one, or after the lockout it started ends.
    private bool Remembered(AddressAttempts? pair, DateTimeOffset now) =>
        pair is { LastFailure: { } last } && (pair.NotBefore > last ? pair.NotBefore.Value : last) + limits.FailureWindow > now;

    private bool IsKnown(AddressAttempts? pair, DateTimeOffset now) => pair?.SignedIn + limits.KnownAddressFor > now;

    private DateTimeOffset Expiry(AddressAttempts pair, DateTimeOffset now)
    {
        var forgotten = (pair.NotBefore > now ? pair.NotBefore.Value : now) + limits.FailureWindow;
        return pair.SignedIn + limits.KnownAddressFor is { } known && known > forgotten ? known : forgotten;
    }

    private static TimeSpan Doubling(TimeSpan first, int doublings, TimeSpan max) =>
        doublings >= 30 || first * (1L << doublings) > max ? max : first * (1L << doublings);

    private async Task<(Item? Item, T? Record)> ReadAsync<T>(string key, CancellationToken cancellationToken)
        where T : class
    {
        var item = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        return (item, item is null ? null : StoreJson.TryDeserialize<T>(item.Value));
    }

    private static string AddressKey(string username, string address) => AddressPrefix + Uri.EscapeDataString(username) + "/" + Uri.EscapeDataString(address);

    private static string NameKey(string username) => NamePrefix + Uri.EscapeDataString(username);
}
