using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Postern.Identity;

/// <summary>
/// Single-use recovery codes, accepted in place of a one-time code. Each is 80 random bits shown as
/// 16 base32 characters in groups of four; the store keeps only their SHA-256. A fast hash is enough
/// here, unlike for passwords: a guess must cover 2^80 codes, so there is nothing for a slow hash to
/// protect, and checking stays cheap at sign-in.
/// </summary>
public static class RecoveryCodes
{
    /// <summary>How many codes a user gets at enrolment.</summary>
    public const int Count = 10;

    private const int CodeBytes = 10;
    private const string Base32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /// <summary>New codes, as shown to the user once.</summary>
    public static IReadOnlyList<string> Generate()
    {
        var codes = new string[Count];
        for (var i = 0; i < Count; i++)
        {
            var bytes = RandomNumberGenerator.GetBytes(CodeBytes);
            var text = new StringBuilder(19);
            for (var c = 0; c < 16; c++)
            {
                if (c > 0 && c % 4 == 0)
                {
                    text.Append('-');
                }

                text.Append(Base32Alphabet[Bits(bytes, c * 5)]);
            }

            codes[i] = text.ToString();
        }

        return codes;
    }

    /// <summary>The stored hash of <paramref name="code"/>: SHA-256 of its normalised form (upper case, no dashes or spaces), base64url.</summary>
    public static string Hash(string code) => Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(Normalise(code))));

    /// <summary>Whether <paramref name="text"/> has the shape of a recovery code (not whether it is one).</summary>
    public static bool LooksLikeCode(string text)
    {
        var normal = Normalise(text);
        return normal.Length == 16 && normal.All(c => Base32Alphabet.Contains(c, StringComparison.Ordinal));
    }

    /// <summary>The index in <paramref name="hashes"/> of the code's hash, every one compared in fixed time; -1 when none matches.</summary>
    public static int Find(IReadOnlyList<string> hashes, string code)
    {
        var candidate = Encoding.ASCII.GetBytes(Hash(code));
        var found = -1;
        for (var i = 0; i < hashes.Count; i++)
        {
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(hashes[i]), candidate) && found < 0)
            {
                found = i;
            }
        }

        return found;
    }

    private static string Normalise(string code) =>
        new([.. code.Where(c => c is not ('-' or ' ')).Select(char.ToUpperInvariant)]);

    private static int Bits(byte[] bytes, int offset)
    {
        var value = 0;
        for (var bit = offset; bit < offset + 5; bit++)
        {
            value = (value << 1) | ((bytes[bit / 8] >> (7 - (bit % 8))) & 1);
        }

        return value;
    }
}
