namespace Postern.WorkloadIdentity;

/// <summary>
/// A DNS name as an X.509-SVID may carry it in a DNS SAN: labels of letters, digits and '-' (RFC 1123: 1 to 63
/// characters, not starting or ending with '-'), separated by single dots, at most 253 characters, no trailing dot.
/// Wildcards are refused: an SVID names one workload.
/// </summary>
public static class DnsName
{
    /// <summary>The longest name accepted.</summary>
    public const int MaxLength = 253;

    /// <summary><c>null</c> when <paramref name="name"/> is a valid DNS name; otherwise what is wrong with it.</summary>
    public static string? Check(string name)
    {
        if (name.Length == 0)
        {
            return "a DNS name may not be empty";
        }

        if (name.Length > MaxLength)
        {
            return $"the DNS name '{name[..32]}...' has {name.Length} characters (at most {MaxLength})";
        }

        if (name.Contains('*', StringComparison.Ordinal))
        {
            return $"the DNS name '{name}' is a wildcard; an SVID names one workload";
        }

        foreach (var label in name.Split('.'))
        {
            if (label.Length is 0 or > 63)
            {
                return $"the DNS name '{name}' has a label of {label.Length} characters (1 to 63, no empty label or trailing dot)";
            }

            if (label[0] == '-' || label[^1] == '-')
            {
                return $"the DNS name '{name}' has a label '{label}' that starts or ends with '-'";
            }

            if (label.FirstOrDefault(ch => !char.IsAsciiLetterOrDigit(ch) && ch != '-') is var bad and not '\0')
            {
                return $"the DNS name '{name}' holds '{bad}' (letters, digits, '-' and '.' only)";
            }
        }

        return null;
    }
}
