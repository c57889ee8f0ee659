namespace Postern.Server.Web;

/// <summary>Redirect targets taken from a request: only a path on the same host, never another site.</summary>
internal static class LocalPath
{
    /// <summary>
    /// Whether <paramref name="path"/> is a path on this host: it starts with one <c>/</c>, and holds no
    /// backslash or control character that a browser could read as the start of another host (<c>//evil</c>, <c>/\evil</c>).
    /// </summary>
    public static bool IsSafe(string? path) =>
        path is { Length: > 0 and <= 4096 }
        && path[0] == '/'
        && (path.Length == 1 || (path[1] != '/' && path[1] != '\\'))
        && !path.Any(c => c == '\\' || char.IsControl(c));
}
