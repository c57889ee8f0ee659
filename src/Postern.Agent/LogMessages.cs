using Microsoft.Extensions.Logging;
using Postern.Agent.Server;

namespace Postern.Agent;

/// <summary>
/// Every log message the agent writes, with its event id. SVIDs are named by their <c>jti</c> and
/// keys by their <c>kid</c>; a token or a credential is never logged.
/// </summary>
internal static partial class LogMessages
{
    [LoggerMessage(EventId = 1, EventName = "Listening", Level = LogLevel.Information,
        Message = "Workload API listening on {SocketPath} for trust domain '{TrustDomain}'.")]
    public static partial void Listening(this ILogger logger, string socketPath, string? trustDomain);

    [LoggerMessage(EventId = 2, EventName = "Joined", Level = LogLevel.Information,
        Message = "Joined the server as bot '{Bot}' (trust domain '{TrustDomain}'); the credential expires at {Expires:O}.")]
    public static partial void Joined(this ILogger logger, string bot, string trustDomain, DateTimeOffset expires);

    [LoggerMessage(EventId = 3, EventName = "CredentialLoaded", Level = LogLevel.Information,
        Message = "Using the stored credential of bot '{Bot}' from {Path}; it expires at {Expires:O}.")]
    public static partial void CredentialLoaded(this ILogger logger, string bot, string path, DateTimeOffset expires);

    [LoggerMessage(EventId = 4, EventName = "CredentialRenewed", Level = LogLevel.Debug,
        Message = "Renewed the credential of bot '{Bot}'; it expires at {Expires:O}.")]
    public static partial void CredentialRenewed(this ILogger logger, string bot, DateTimeOffset expires);

    [LoggerMessage(EventId = 5, EventName = "ServerUnavailable", Level = LogLevel.Warning,
        Message = "The server is unavailable ({Message}); retrying in {Delay}, cached SVIDs are served until they expire.")]
    public static partial void ServerUnavailable(this ILogger logger, string message, TimeSpan delay);

    [LoggerMessage(EventId = 6, EventName = "ServerRefusedAgent", Level = LogLevel.Warning,
        Message = "The server refused the agent's credential ({Outcome}): {Message}. Every FetchJWTSVID is denied until it accepts it again.")]
    public static partial void ServerRefusedAgent(this ILogger logger, ServerOutcome outcome, string message);

    [LoggerMessage(EventId = 7, EventName = "ServerAcceptsAgentAgain", Level = LogLevel.Information,
        Message = "The server accepts the agent's credential again.")]
    public static partial void ServerAcceptsAgentAgain(this ILogger logger);

    [LoggerMessage(EventId = 8, EventName = "PolicyChanged", Level = LogLevel.Information,
        Message = "The policy revision changed from {Previous} to {Revision}; dropped the SVID cache.")]
    public static partial void PolicyChanged(this ILogger logger, long previous, long revision);

    [LoggerMessage(EventId = 9, EventName = "BundleChanged", Level = LogLevel.Information,
        Message = "The key set of trust domain '{TrustDomain}' changed: keys {KeyIds}.")]
    public static partial void BundleChanged(this ILogger logger, string trustDomain, string keyIds);

    [LoggerMessage(EventId = 10, EventName = "KeySetUnreadable", Level = LogLevel.Warning,
        Message = "The server's key set could not be read ({Message}); keeping the last good bundle.")]
    public static partial void KeySetUnreadable(this ILogger logger, string message);

    [LoggerMessage(EventId = 20, EventName = "SvidsIssued", Level = LogLevel.Debug,
        Message = "Issued for uid {Uid} gid {Gid} exe {Exe}: {TokenIds}.")]
    public static partial void SvidsIssued(this ILogger logger, uint uid, uint gid, string? exe, string tokenIds);

    [LoggerMessage(EventId = 21, EventName = "SvidsRenewed", Level = LogLevel.Debug,
        Message = "Renewed cached SVIDs for uid {Uid} gid {Gid}: {TokenIds}.")]
    public static partial void SvidsRenewed(this ILogger logger, uint uid, uint gid, string tokenIds);

    [LoggerMessage(EventId = 22, EventName = "SvidsDenied", Level = LogLevel.Information,
        Message = "Denied SVIDs for uid {Uid} gid {Gid} exe {Exe}: {Message}")]
    public static partial void SvidsDenied(this ILogger logger, uint uid, uint gid, string? exe, string message);

    [LoggerMessage(EventId = 23, EventName = "AttestationFailed", Level = LogLevel.Warning,
        Message = "Could not attest a Workload API caller: {Reason}")]
    public static partial void AttestationFailed(this ILogger logger, string reason);

    [LoggerMessage(EventId = 40, EventName = "OutputsWritten", Level = LogLevel.Information,
        Message = "Wrote {Files} to {Folder}.")]
    public static partial void OutputsWritten(this ILogger logger, string files, string folder);

    [LoggerMessage(EventId = 41, EventName = "OutputsUnavailable", Level = LogLevel.Warning,
        Message = "Could not renew the files in {Folder}: {Message}; the files there are kept and tried again.")]
    public static partial void OutputsUnavailable(this ILogger logger, string folder, string message);

    [LoggerMessage(EventId = 42, EventName = "OnChangeFailed", Level = LogLevel.Warning,
        Message = "The --on-change command exited with {ExitCode}: {Output}")]
    public static partial void OnChangeFailed(this ILogger logger, int exitCode, string output);

    [LoggerMessage(EventId = 43, EventName = "OnChangeSignalFailed", Level = LogLevel.Warning,
        Message = "The --on-change-signal SIG{Signal} was not sent: {Reason}")]
    public static partial void OnChangeSignalFailed(this ILogger logger, string signal, string reason);
}
