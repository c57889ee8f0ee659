using System.Globalization;
using System.Text;

namespace Postern;

/// <summary>
/// Durations as operators write them in configuration and on the command line: a sequence of
/// number-and-unit pairs such as <c>90s</c>, <c>5m</c>, <c>1h30m</c> or <c>7d</c> (units <c>ms</c>, <c>s</c>,
/// <c>m</c>, <c>h</c>, <c>d</c>).
/// </summary>
public static class Durations
{
    private static readonly (string Unit, TimeSpan Size)[] Units =
    [
        ("ms", TimeSpan.FromMilliseconds(1)),
        ("s", TimeSpan.FromSeconds(1)),
        ("m", TimeSpan.FromMinutes(1)),
        ("h", TimeSpan.FromHours(1)),
        ("d", TimeSpan.FromDays(1)),
    ];

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="reason"/> says what is wrong with it.</summary>
    public static bool TryParse(string? text, out TimeSpan value, out string reason)
    {
        value = TimeSpan.Zero;
        reason = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            reason = "a duration is required, e.g. 5m or 1h30m";
            return false;
        }

        var rest = text.AsSpan().Trim();
        var total = TimeSpan.Zero;
        while (!rest.IsEmpty)
        {
            var digits = 0;
            while (digits < rest.Length && char.IsAsciiDigit(rest[digits]))
            {
                digits++;
            }

            var letters = digits;
            while (letters < rest.Length && char.IsAsciiLetterLower(rest[letters]))
            {
                letters++;
            }

            if (digits == 0 || letters == digits
                || !long.TryParse(rest[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                reason = $"'{text}' is not a duration (expected a number and a unit, e.g. 90s, 5m, 1h30m, 7d)";
                return false;
            }

            var unit = rest[digits..letters].ToString();
            var size = Array.FindIndex(Units, u => u.Unit == unit);
            if (size < 0)
            {
                reason = $"'{text}' has an unknown unit '{unit}' (expected ms, s, m, h or d)";
                return false;
            }

            try
            {
                total = checked(total + TimeSpan.FromTicks(checked(count * Units[size].Size.Ticks)));
            }
            catch (OverflowException)
            {
                reason = $"'{text}' is too long a duration";
                return false;
            }

            rest = rest[letters..];
        }

        value = total;
        return true;
    }

    /// <summary>The shortest text that <see cref="TryParse"/> reads back as <paramref name="value"/>, e.g. <c>1h30m</c>.</summary>
    public static string Format(TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            return "0s";
        }

        var text = new StringBuilder();
        var rest = value;
        for (var i = Units.Length - 1; i >= 0; i--)
        {
            var count = rest.Ticks / Units[i].Size.Ticks;
            if (count > 0)
            {
                text.Append(count.ToString(CultureInfo.InvariantCulture)).Append(Units[i].Unit);
                rest -= TimeSpan.FromTicks(count * Units[i].Size.Ticks);
            }
        }

        return text.Length == 0 ? "0s" : text.ToString();
    }
}
