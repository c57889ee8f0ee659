namespace Postern.Server.State;

/// <summary>
/// The outcome of a change an administrator asks for: done, with what it made, or refused with a status (an HTTP
/// status code), a message that says what to change, and every problem found.
/// </summary>
internal sealed record ChangeResult<T>(T? Value, int Status, string? Error, IReadOnlyList<string>? Details)
{
    public static ChangeResult<T> Done(T value) => new(value, 200, null, null);

    public static ChangeResult<T> Refused(int status, string error, IEnumerable<string>? details = null) => new(default, status, error, details?.ToArray());
}
