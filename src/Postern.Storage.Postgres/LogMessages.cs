using Microsoft.Extensions.Logging;

namespace Postern.Storage.Postgres;

/// <summary>Every message the PostgreSQL backend logs; event ids 3100–3199.</summary>
internal static partial class LogMessages
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Warning, Message = "the store's notification connection was lost; watches poll the change log until it is back (retrying in {RetryIn})")]
    public static partial void NotificationConnectionLost(this ILogger logger, TimeSpan retryIn, Exception exception);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "the store's notification connection is back; watches catch up from their last revision")]
    public static partial void NotificationConnectionRestored(this ILogger logger);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "a watch could not read the store's change log; retrying in {RetryIn}")]
    public static partial void WatchReadFailed(this ILogger logger, TimeSpan retryIn, Exception exception);
}
