namespace Postern.Verification;

/// <summary>
/// How a <see cref="JsonWebKeySetCache"/> keeps and refreshes the key set it fetched.
/// </summary>
public sealed record JsonWebKeySetCacheOptions
{
    /// <summary>The default <see cref="MaximumResponseSize"/>: 256 KiB.</summary>
    public const int DefaultMaximumResponseSize = 256 * 1024;

    /// <summary>The default <see cref="MaximumStaleness"/>: 1 hour.</summary>
    public static readonly TimeSpan DefaultMaximumStaleness = TimeSpan.FromHours(1);

    /// <summary>
    /// How long a key set is kept when the response carries no <c>Cache-Control: max-age</c>.
    /// Default 5 minutes.
    /// </summary>
    public TimeSpan DefaultCacheDuration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The shortest time a key set is kept, whatever <c>max-age</c> says (also applied to
    /// <c>no-cache</c> and <c>no-store</c>). Default 1 minute.
    /// </summary>
    public TimeSpan MinimumCacheDuration { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The longest time a key set is kept, whatever <c>max-age</c> says: it bounds how long a
    /// key withdrawn from the set stays trusted. Default 1 hour.
    /// </summary>
    public TimeSpan MaximumCacheDuration { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The least time between two fetches caused by tokens naming a <c>kid</c> the cache does
    /// not hold, and between a failed fetch and the next attempt. Default 30 seconds.
    /// </summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one fetch of the key set may take. Default 10 seconds.</summary>
    public TimeSpan FetchTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a key set that went stale (its cache duration ended) is still used while every
    /// refresh fails. Beyond it, tokens are refused with <see cref="TokenRejection.KeySetStale"/>
    /// instead of being verified with keys that may have been withdrawn. Zero uses no stale key
    /// set at all. Default 1 hour.
    /// </summary>
    public TimeSpan MaximumStaleness { get; init; } = DefaultMaximumStaleness;

    /// <summary>
    /// The largest key set response read, in bytes, counted after any HTTP decompression. A
    /// larger one (by its <c>Content-Length</c>, or as it is read) is refused as a failed
    /// fetch. Default 256 KiB: Postern's key set is a few kilobytes.
    /// </summary>
    public int MaximumResponseSize { get; init; } = DefaultMaximumResponseSize;

    /// <summary>Every problem with these options; empty when they are usable.</summary>
    internal IEnumerable<string> Validate()
    {
        foreach (var (name, value) in Durations())
        {
            if (value <= TimeSpan.Zero)
            {
                yield return $"{name} must be positive; it is {value}.";
            }
        }

        if (MaximumStaleness < TimeSpan.Zero)
        {
            yield return $"MaximumStaleness must not be negative; it is {MaximumStaleness}.";
        }

        if (MaximumResponseSize <= 0)
        {
            yield return $"MaximumResponseSize must be positive; it is {MaximumResponseSize}.";
        }

        if (MinimumCacheDuration > MaximumCacheDuration)
        {
            yield return $"MinimumCacheDuration ({MinimumCacheDuration}) must not exceed MaximumCacheDuration ({MaximumCacheDuration}).";
        }
    }

    /// <summary>The time to keep a key set whose response asked for <paramref name="maxAge"/>.</summary>
    internal TimeSpan CacheDurationFor(TimeSpan? maxAge) =>
        TimeSpan.FromTicks(Math.Clamp((maxAge ?? DefaultCacheDuration).Ticks, MinimumCacheDuration.Ticks, MaximumCacheDuration.Ticks));

    private IEnumerable<(string Name, TimeSpan Value)> Durations() =>
    [
        (nameof(DefaultCacheDuration), DefaultCacheDuration),
        (nameof(MinimumCacheDuration), MinimumCacheDuration),
        (nameof(MaximumCacheDuration), MaximumCacheDuration),
        (nameof(RefreshInterval), RefreshInterval),
        (nameof(FetchTimeout), FetchTimeout),
    ];
}
