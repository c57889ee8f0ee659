namespace Postern.Storage;

/// <summary>Expiry times as stored: Unix milliseconds.</summary>
internal static class UnixTime
{
    public static long? ToMilliseconds(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds();

    public static DateTimeOffset? FromMilliseconds(long? milliseconds) =>
        milliseconds is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;
}
