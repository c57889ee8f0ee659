namespace Postern.Agent.Server;

/// <summary>The server's answer to one call: an outcome, the value on success, and the server's message otherwise.</summary>
internal sealed record ServerAnswer<T>(ServerOutcome Outcome, T? Value, string Message, string? ETag = null)
    where T : class
{
    public bool IsOk => Outcome == ServerOutcome.Ok;

    public static ServerAnswer<T> Ok(T value, string? etag = null) => new(ServerOutcome.Ok, value, "", etag);

    public static ServerAnswer<T> Failed(ServerOutcome outcome, string message) => new(outcome, null, message);
}
