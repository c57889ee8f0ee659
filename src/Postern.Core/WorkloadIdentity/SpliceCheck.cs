using System.Text;

namespace Postern.WorkloadIdentity;

/// <summary>
/// What a caller's attribute value may be before it is spliced into a SPIFFE ID template. A plain
/// <c>{{attribute}}</c> fills exactly one segment: letters, digits, <c>.</c>, <c>-</c>, <c>_</c>, not empty, not
/// <c>.</c>. A <c>{{path(attribute)}}</c> may also hold <c>/</c> between segments (and one leading <c>/</c>), but no
/// empty or <c>.</c> segment and no trailing <c>/</c>. Neither may hold <c>..</c> anywhere, <c>%</c> or a control
/// character: the value comes from the caller (an identity provider's trait, a join label, an executable's path)
/// and must not choose where in the ID it lands.
/// </summary>
internal static class SpliceCheck
{
    private const int Shown = 64;

    /// <summary><c>null</c> when <paramref name="value"/> of <paramref name="attribute"/> may be spliced; otherwise why not.</summary>
    public static string? Check(string attribute, string value, bool isPath) =>
        Problem(attribute, value, isPath) is { } problem ? $"the value of '{attribute}' ({Quote(value)}) {problem}" : null;

    private static string? Problem(string attribute, string value, bool isPath)
    {
        if (value.Length == 0)
        {
            return "is empty";
        }

        if (value.Contains("..", StringComparison.Ordinal))
        {
            return "holds '..'";
        }

        foreach (var ch in value)
        {
            if (ch == '/' && !isPath)
            {
                return $"holds '/'; a value fills one segment unless the template marks it a path: {{{{path({attribute})}}}}";
            }

            if (!(ch is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '-' or '_' or '/'))
            {
                return $"holds '{Printable(ch)}' (allowed: letters, digits, '.', '-', '_'{(isPath ? ", '/' between segments" : "")})";
            }
        }

        if (!isPath)
        {
            return value == "." ? "is '.'" : null;
        }

        var body = value[0] == '/' ? value[1..] : value;
        if (body.Length == 0 || body[^1] == '/')
        {
            return "ends with '/'";
        }

        foreach (var segment in body.Split('/'))
        {
            if (segment.Length == 0)
            {
                return "has an empty segment";
            }

            if (segment == ".")
            {
                return "has a '.' segment";
            }
        }

        return null;
    }

    private static string Quote(string value)
    {
        var quoted = new StringBuilder("'");
        foreach (var ch in value.Length <= Shown ? value : value[..Shown])
        {
            quoted.Append(Printable(ch));
        }

        return quoted.Append(value.Length <= Shown ? "'" : "'…").ToString();
    }

    private static string Printable(char ch) => char.IsControl(ch) || char.IsWhiteSpace(ch) ? $"\\u{(int)ch:x4}" : ch.ToString();
}
