namespace Postern.Agent.Server;

/// <summary>How a call to the Postern server ended.</summary>
internal enum ServerOutcome
{
    /// <summary>The server could not be reached, timed out or failed (5xx): worth trying again later.</summary>
    Unavailable = 0,

    Ok,

    /// <summary>304: what the agent holds is current.</summary>
    NotModified,

    /// <summary>400: the request was refused as bad input.</summary>
    BadRequest,

    /// <summary>401: the join token or credential is unknown, used or expired.</summary>
    Unauthenticated,

    /// <summary>403: the bot is locked, or no policy admits the request.</summary>
    Forbidden,
}
