using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace Postern.Identity;

/// <summary>Time-based one-time passwords (RFC 6238): HMAC-SHA1, 6 digits, 30-second steps, secrets in base32.</summary>
public static class Totp
{
    private const int Digits = 6;
    private const int StepSeconds = 30;
    private const string Base32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /// <summary>A new random 160-bit secret, base32.</summary>
    public static string NewSecret() => ToBase32(RandomNumberGenerator.GetBytes(20));

    /// <summary>The code for <paramref name="secret"/> at <paramref name="at"/>.</summary>
    public static string Code(string secret, DateTimeOffset at) => CodeAt(FromBase32(secret) ?? throw new FormatException("the TOTP secret is not base32"), StepOf(at));

    /// <summary>
    /// Whether <paramref name="code"/> is right at <paramref name="now"/>, allowing one step of clock drift each way.
    /// <paramref name="step"/> is the step that matched, so that a caller can refuse a code used twice.
    /// </summary>
    public static bool Verify(string secret, string code, DateTimeOffset now, out long step)
    {
        step = 0;
        var key = FromBase32(secret);
        if (key is null || code.Length != Digits || !code.All(char.IsAsciiDigit))
        {
            return false;
        }

        var current = StepOf(now);
        var matched = false;
        for (var candidate = current - 1; candidate <= current + 1; candidate++)
        {
            // Every candidate is computed and compared, so that timing does not tell which one matched.
            if (CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(CodeAt(key, candidate)), System.Text.Encoding.ASCII.GetBytes(code)) && !matched)
            {
                matched = true;
                step = candidate;
            }
        }

        return matched;
    }

    /// <summary>The <c>otpauth://</c> URI authenticator apps read (usually from a QR code).</summary>
    public static string ProvisioningUri(string secret, string account, string issuer) =>
        $"otpauth://totp/{Uri.EscapeDataString(issuer)}:{Uri.EscapeDataString(account)}?secret={secret}&issuer={Uri.EscapeDataString(issuer)}&algorithm=SHA1&digits={Digits}&period={StepSeconds}";

    private static long StepOf(DateTimeOffset at) => at.ToUnixTimeSeconds() / StepSeconds;

    private static string CodeAt(byte[] key, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> mac = stackalloc byte[20];
        HMACSHA1.HashData(key, counter, mac);
        var offset = mac[^1] & 0x0F;
        var binary = BinaryPrimitives.ReadInt32BigEndian(mac[offset..]) & 0x7FFFFFFF;
        return (binary % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
    }

    private static string ToBase32(byte[] data)
    {
        var text = new System.Text.StringBuilder((data.Length * 8 + 4) / 5);
        int buffer = 0, bits = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                text.Append(Base32Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            text.Append(Base32Alphabet[(buffer << (5 - bits)) & 31]);
        }

        return text.ToString();
    }

    private static byte[]? FromBase32(string text)
    {
        var bytes = new List<byte>(text.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var c in text.TrimEnd('='))
        {
            var value = Base32Alphabet.IndexOf(char.ToUpperInvariant(c), StringComparison.Ordinal);
            if (value < 0)
            {
                return null;
            }

            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }

        return bytes.Count == 0 ? null : [.. bytes];
    }
}
