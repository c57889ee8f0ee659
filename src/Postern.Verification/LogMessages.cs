using Microsoft.Extensions.Logging;

namespace Postern.Verification;

/// <summary>
/// Every log message this library writes, with its event id. Messages name a key by its
/// <c>kid</c> and a token by its <c>jti</c>; a token itself is never logged.
/// </summary>
internal static partial class LogMessages
{
    [LoggerMessage(EventId = 1, EventName = "KeySetFetched", Level = LogLevel.Debug,
        Message = "Fetched the key set from {KeySetUri}: {KeyCount} usable keys, cached for {CacheDuration}.")]
    public static partial void KeySetFetched(this ILogger logger, Uri keySetUri, int keyCount, TimeSpan cacheDuration);

    [LoggerMessage(EventId = 2, EventName = "KeySetFetchRefused", Level = LogLevel.Warning,
        Message = "The key set at {KeySetUri} answered {StatusCode}; still using the last good key set ({KeyCount} keys).")]
    public static partial void KeySetFetchRefused(this ILogger logger, Uri keySetUri, int statusCode, int keyCount);

    [LoggerMessage(EventId = 3, EventName = "KeySetFetchFailed", Level = LogLevel.Warning,
        Message = "Could not fetch the key set from {KeySetUri}; still using the last good key set ({KeyCount} keys).")]
    public static partial void KeySetFetchFailed(this ILogger logger, Uri keySetUri, int keyCount, Exception exception);

    [LoggerMessage(EventId = 4, EventName = "KeySkipped", Level = LogLevel.Debug,
        Message = "Skipped key {KeyId} of the key set from {KeySetSource}: {Reason}")]
    public static partial void KeySkipped(this ILogger logger, string? keyId, string keySetSource, string reason);

    [LoggerMessage(EventId = 5, EventName = "DuplicateKeyId", Level = LogLevel.Warning,
        Message = "The key set from {KeySetSource} holds more than one key with kid {KeyId}; using the first.")]
    public static partial void DuplicateKeyId(this ILogger logger, string keyId, string keySetSource);

    [LoggerMessage(EventId = 6, EventName = "KeySetTooLarge", Level = LogLevel.Warning,
        Message = "Refused the key set from {KeySetUri}: {Reason}; still using the last good key set ({KeyCount} keys).")]
    public static partial void KeySetTooLarge(this ILogger logger, Uri keySetUri, string reason, int keyCount);

    [LoggerMessage(EventId = 10, EventName = "TokenValidated", Level = LogLevel.Debug,
        Message = "Accepted token {TokenId} signed with key {KeyId}.")]
    public static partial void TokenValidated(this ILogger logger, string? tokenId, string keyId);

    [LoggerMessage(EventId = 11, EventName = "TokenRejected", Level = LogLevel.Information,
        Message = "Rejected token {TokenId} (key {KeyId}): {Rejection}. {Reason}")]
    public static partial void TokenRejected(this ILogger logger, string? tokenId, string? keyId, TokenRejection rejection, string reason);
}
