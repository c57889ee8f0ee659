using System.Text;

namespace Postern.Storage;

/// <summary>
/// The keys that start with a prefix, as a half-open range <c>[Lower, Upper)</c> that SQLite's default BINARY
/// collation and PostgreSQL's <c>"C"</c> collation compare as UTF-8 bytes, which order like Unicode code points.
/// Exact for every character, unlike LIKE or GLOB, and served by the primary-key index.
/// </summary>
/// <param name="Lower">The prefix itself: the smallest key under it.</param>
/// <param name="Upper">The smallest string above every key under the prefix; <c>null</c> when there is none.</param>
internal readonly record struct PrefixRange(string Lower, string? Upper)
{
    /// <summary>The range of the keys starting with <paramref name="prefix"/> (a well-formed string).</summary>
    public static PrefixRange For(string prefix)
    {
        var runes = prefix.EnumerateRunes().ToList();
        for (var last = runes.Count - 1; last >= 0; last--)
        {
            var next = runes[last].Value + 1;
            if (next == 0xD800)
                next = 0xE000; // surrogates are not scalar values; no key holds one
            if (next > 0x10FFFF)
                continue; // the largest code point cannot grow: carry into the one before

            var upper = new StringBuilder(prefix.Length + 1);
            foreach (var rune in runes.Take(last))
                upper.Append(rune.ToString());
            upper.Append(new Rune(next).ToString());
            return new PrefixRange(prefix, upper.ToString());
        }

        return new PrefixRange(prefix, null);
    }
}
