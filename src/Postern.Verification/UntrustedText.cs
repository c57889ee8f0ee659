using System.Text;

namespace Postern.Verification;

/// <summary>
/// Quotes a value taken from a token (a <c>kid</c>, an issuer, an audience) for a message:
/// bounded in length and free of control characters, so that a hostile token cannot flood or
/// forge a log line.
/// </summary>
internal static class UntrustedText
{
    private const int MaximumLength = 64;

    public static string Quote(string value)
    {
        var shown = value.Length > MaximumLength ? value.AsSpan(0, MaximumLength) : value.AsSpan();
        var builder = new StringBuilder(shown.Length + 3).Append('\'');
        foreach (var c in shown)
        {
            builder.Append(char.IsControl(c) ? '?' : c);
        }

        if (value.Length > MaximumLength)
        {
            builder.Append('…');
        }

        return builder.Append('\'').ToString();
    }
}
