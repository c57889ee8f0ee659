using System.Buffers;
using System.Globalization;
using System.Text;

namespace Postern.Storage;

/// <summary>The rules every key, and every range or watch prefix, follows.</summary>
internal static class StoreKey
{
    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming <paramref name="key"/> unless it starts with <c>/</c> and is
    /// well-formed text: no NUL (SQLite text functions stop at it) and no lone surrogate (it cannot be
    /// stored as UTF-8 and would come back changed).
    /// </summary>
    public static void ThrowIfInvalid(string key, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(key, parameterName);
        if (!key.StartsWith('/'))
            throw new ArgumentException($"the key '{key}' must start with '/'", parameterName);
        if (key.Contains('\0', StringComparison.Ordinal))
            throw new ArgumentException($"the key '{Escape(key)}' must not contain NUL", parameterName);
        if (!IsWellFormed(key))
            throw new ArgumentException($"the key '{Escape(key)}' holds a lone surrogate", parameterName);
    }

    private static bool IsWellFormed(ReadOnlySpan<char> rest)
    {
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out _, out var used) != OperationStatus.Done)
                return false;
            rest = rest[used..];
        }

        return true;
    }

    private static string Escape(string key)
    {
        var text = new StringBuilder(key.Length);
        foreach (var c in key)
        {
            if (char.IsSurrogate(c) || char.IsControl(c))
                text.Append(@"\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            else
                text.Append(c);
        }

        return text.ToString();
    }
}
