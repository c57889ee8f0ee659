namespace Postern.Agent.Server;

/// <summary>Why a fetch of SVIDs gave none.</summary>
internal enum SvidFetchFailure
{
    None = 0,

    /// <summary>The server (or the agent's own standing with it) refuses this caller.</summary>
    Denied,

    /// <summary>The request was bad input.</summary>
    BadRequest,

    /// <summary>The server is unreachable and nothing usable is cached.</summary>
    Unavailable,
}
