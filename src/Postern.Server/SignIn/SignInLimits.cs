namespace Postern.Server.SignIn;

/// <summary>
/// The limits on password sign-in (<c>docs/sign-in.md</c>). Guesses are counted per (user name, client address),
/// where they lock out, and per user name, where they only slow down; password checks share a bounded number of
/// hashing slots; and each client address has a request budget for the sign-in endpoints.
/// </summary>
internal sealed record SignInLimits
{
    /// <summary>Failed or unfinished attempts for one name from one address before that pair is locked out.</summary>
    public int MaxFailuresPerAddress { get; init; } = 5;

    /// <summary>The first lockout of a (name, address) pair; each further failure after it doubles the lockout.</summary>
    public TimeSpan FirstLockout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest lockout of a (name, address) pair.</summary>
    public TimeSpan MaxLockout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long failures are remembered after the last one (or after a lockout ends).</summary>
    public TimeSpan FailureWindow { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Failed attempts for a name, from all addresses together, before attempts for it are spaced out.</summary>
    public int FreeFailuresPerName { get; init; } = 20;

    /// <summary>The spacing of attempts for a name past <see cref="FreeFailuresPerName"/>; it doubles with each failure.</summary>
    public TimeSpan FirstNameDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest spacing of attempts for a name: the per-name ceiling slows the name, it never locks it.</summary>
    public TimeSpan MaxNameDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an address the user signed in from is exempt from the per-name spacing.</summary>
    public TimeSpan KnownAddressFor { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Password checks that may run at once (PBKDF2 is CPU-bound): one per two processors, at least one, so that a flood leaves CPU for everything else.</summary>
    public int HashConcurrency { get; init; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>Password checks that may wait for a slot (about a second's worth); the next ones are answered 429 at once.</summary>
    public int HashQueue { get; init; } = 4 * Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>The <c>Retry-After</c> of a sign-in refused because every hashing slot is taken.</summary>
    public TimeSpan BusyRetryAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Sign-in requests a client address may send at once (a token bucket's size).</summary>
    public int AddressBurst { get; init; } = 30;

    /// <summary>How often a client address gets one more sign-in request (30 a minute).</summary>
    public TimeSpan AddressRefill { get; init; } = TimeSpan.FromSeconds(2);
}
