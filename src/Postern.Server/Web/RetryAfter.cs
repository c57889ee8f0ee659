using System.Globalization;

namespace Postern.Server.Web;

/// <summary>The value of a <c>Retry-After</c> header.</summary>
internal static class RetryAfter
{
    /// <summary>Whole seconds, rounded up, at least one.</summary>
    public static string Seconds(TimeSpan after) =>
        Math.Max(1, (long)Math.Ceiling(after.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
