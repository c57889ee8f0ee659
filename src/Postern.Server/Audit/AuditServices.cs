using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Postern.Audit;
using Postern.Authority;
using Postern.Configuration;
using Postern.Storage;

namespace Postern.Server.Audit;

/// <summary>Registers the audit log (its checkpoints signed by the audit authority, its retention) and the optional file sink.</summary>
internal static class AuditServices
{
    /// <summary>How often the file sink looks for new events.</summary>
    private static readonly TimeSpan SinkPoll = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The audit authority, created with an ES256 key on a first start; its keys are held as the other authorities'
    /// are (sealed under the key-encryption key).
    /// </summary>
    public static Task<CertAuthority> EnsureAuthorityAsync(IBackend store, AuthorityKeyring keyring, TimeProvider time, CancellationToken cancellationToken) =>
        new CertAuthorityStore(store, time).EnsureAsync(CertAuthorityType.Audit, SigningAlgorithm.ES256, keyring, cancellationToken);

    /// <summary>
    /// The audit log, with its journal in <paramref name="journalDataDir"/> (<c>data_dir</c>) or, when <c>null</c>,
    /// without one; and the file sink, when configured.
    /// </summary>
    public static IServiceCollection AddAudit(this IServiceCollection services, IBackend store, AuditConfig config, string? journalDataDir, CertAuthority authority, TimeProvider time)
    {
        // Made by the container, which disposes it before the store: queued events are written, and the chain's last
        // head sealed, at shutdown.
        services.AddSingleton(sp => new AuditLog(
            store,
            time,
            new AuditLogOptions { Retention = config.Retention, CheckpointInterval = config.CheckpointInterval, JournalFolder = journalDataDir is null ? null : Path.Combine(journalDataDir, AuditJournalBacklog.FolderName) },
            new AuditCheckpointSigner(authority),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Postern.Audit")));
        if (config.FileSink is { } path && store is IAuditStore tables)
        {
            services.AddHostedService(sp => new AuditFileSinkService(
                () => new AuditFileSink(tables, path, config.FileSinkMaxBytes, config.FileSinkKeep, time, SinkPoll, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Postern.Audit"))));
        }

        return services;
    }
}
