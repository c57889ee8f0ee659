using Microsoft.Extensions.Logging;

namespace Postern;

/// <summary>Every log message of the core library, with its event id. Never a secret or a whole token.</summary>
internal static partial class LogMessages
{
    [LoggerMessage(3000, LogLevel.Information, "Audit checkpoint sealed: chain {Chain} event {Sequence} head {Head} at {Time:O} (kid {Kid})")]
    public static partial void AuditCheckpointSealed(this ILogger logger, string chain, long sequence, string head, DateTimeOffset time, string kid);

    [LoggerMessage(3001, LogLevel.Warning, "Sealing an audit checkpoint failed; the next one tries again")]
    public static partial void AuditCheckpointFailed(this ILogger logger, Exception exception);

    [LoggerMessage(3002, LogLevel.Warning, "Copying audit events to the file sink {Path} failed; trying again")]
    public static partial void AuditFileSinkFailed(this ILogger logger, string path, Exception exception);

    [LoggerMessage(3003, LogLevel.Information, "Audit retention deleted {Count} event(s) sealed before {Before:O}")]
    public static partial void AuditRetentionApplied(this ILogger logger, int count, DateTimeOffset before);

    [LoggerMessage(3004, LogLevel.Warning, "Audit retention failed; the next pass tries again")]
    public static partial void AuditRetentionFailed(this ILogger logger, Exception exception);

    [LoggerMessage(3005, LogLevel.Warning, "Writing {Count} journaled audit event(s) to the store failed; they stay in the journal and are tried again")]
    public static partial void AuditIndexFailed(this ILogger logger, int count, Exception exception);

    [LoggerMessage(3006, LogLevel.Information, "Audit journal {Path} was left by a process that stopped: {Missing} of its {Events} event(s) were not in the store and are now")]
    public static partial void AuditJournalRecovered(this ILogger logger, string path, int missing, int events);

    [LoggerMessage(3007, LogLevel.Warning, "Audit journal {Path} could not be recovered; it is kept and tried again at the next start")]
    public static partial void AuditJournalRecoveryFailed(this ILogger logger, string path, Exception exception);
}
