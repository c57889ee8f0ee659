namespace Postern.Bench.Soak;

/// <summary>
/// How much a figure may grow over the second half of a soak (a fitted slope × the half's length) before it counts as
/// growing without bound: more than <see cref="ShareOfMean"/> of its mean over the half AND more than
/// <see cref="Absolute"/> (so that a handful of threads or a millisecond of jitter on a small figure is not a leak).
/// </summary>
internal sealed record GrowthLimit(double ShareOfMean, double Absolute)
{
    /// <summary>RSS and private memory (kB): 10 %, and at least 8 MB.</summary>
    public static readonly GrowthLimit Memory = new(0.10, 8 * 1024);

    /// <summary>Threads and open file descriptors: 10 %, and at least 4.</summary>
    public static readonly GrowthLimit Count = new(0.10, 4);

    /// <summary>A kind's p99 (ms): 50 % (p99 over 10 s on a shared machine moves a lot), and at least 5 ms.</summary>
    public static readonly GrowthLimit Latency = new(0.50, 5);
}
