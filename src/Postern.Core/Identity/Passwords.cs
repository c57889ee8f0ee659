using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Postern.Identity;

/// <summary>
/// Password hashing with PBKDF2-HMAC-SHA256 (600,000 iterations, OWASP's 2023 figure), encoded with its
/// parameters (<c>$pbkdf2-sha256$i=600000$salt$hash</c>) so that the cost can rise later without
/// invalidating stored hashes.
/// </summary>
public static class Passwords
{
    /// <summary>The iteration count of new hashes.</summary>
    public const int Iterations = 600_000;

    private const string Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private const int MinLength = 12;
    private const int MaxLength = 1024;

    /// <summary>A new salted hash of <paramref name="password"/>.</summary>
    public static string Hash(string password) => Hash(password, Iterations);

    internal static string Hash(string password, int iterations)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Create(CultureInfo.InvariantCulture, $"${Scheme}$i={iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>Whether <paramref name="password"/> matches <paramref name="encodedHash"/>; <c>false</c> for a malformed hash.</summary>
    public static bool Verify(string encodedHash, string password)
    {
        var parts = encodedHash.Split('$');
        if (parts.Length != 5 || parts[0].Length != 0 || parts[1] != Scheme || !parts[2].StartsWith("i=", StringComparison.Ordinal)
            || !int.TryParse(parts[2].AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var iterations)
            || iterations is < 1 or > 10_000_000)
        {
            return false;
        }

        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(parts[3]);
            expected = Convert.FromBase64String(parts[4]);
        }
        catch (FormatException)
        {
            return false;
        }

        if (salt.Length == 0 || expected.Length == 0 || password.Length > MaxLength)
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Why <paramref name="password"/> may not be used, or <c>null</c> when it may.</summary>
    public static string? CheckStrength(string password) => password.Length switch
    {
        < MinLength => $"a password needs at least {MinLength} characters",
        > MaxLength => $"a password may have at most {MaxLength} characters",
        _ when string.IsNullOrWhiteSpace(password) => "a password may not be only spaces",
        _ => null,
    };
}
