using System.Threading.RateLimiting;
using Postern.Identity;

namespace Postern.Server.SignIn;

/// <summary>
/// The slots that password checks run in: <see cref="SignInLimits.HashConcurrency"/> at once, and at most
/// <see cref="SignInLimits.HashQueue"/> waiting, oldest first. A flood of sign-ins thus costs a bounded amount of
/// CPU and is answered 429 beyond the queue, rather than queueing hash work without end. Sign-ins from an address
/// the user has signed in from before have a lane of their own (one check at a time, the same queue bound), so a
/// flood of guesses from elsewhere does not keep the user out. The checks run on threads of their own, not the
/// thread pool's, so that they never hold up the requests that do not hash (<c>/healthz</c>).
/// </summary>
internal sealed class PasswordHashGate(SignInLimits limits) : IDisposable
{
    private readonly ConcurrencyLimiter _anyAddress = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = limits.HashConcurrency,
        QueueLimit = limits.HashQueue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    private readonly ConcurrencyLimiter _knownAddress = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = 1,
        QueueLimit = limits.HashQueue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    /// <summary>When a check refused for want of a slot may be tried again.</summary>
    public TimeSpan RetryAfter => limits.BusyRetryAfter;

    /// <summary>A slot (dispose it when the check is done); not acquired when the queue is full.</summary>
    /// <param name="knownAddress">Whether the user has signed in from the client's address before.</param>
    public ValueTask<RateLimitLease> EnterAsync(bool knownAddress, CancellationToken cancellationToken) =>
        (knownAddress ? _knownAddress : _anyAddress).AcquireAsync(1, cancellationToken);

    /// <summary>Checks <paramref name="password"/> against <paramref name="encodedHash"/> on a thread of its own; call it holding a slot.</summary>
    public static Task<bool> VerifyAsync(string encodedHash, string password) =>
        Task.Factory.StartNew(() => Passwords.Verify(encodedHash, password), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    public void Dispose()
    {
        _anyAddress.Dispose();
        _knownAddress.Dispose();
    }
}
