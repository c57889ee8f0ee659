using System.Data.Common;

namespace Postern.Storage;

/// <summary>
/// Reads the audit tables' rows, which the backends' queries select in one order: an event as
/// <c>chain, sequence, previous, hash, line</c>, a checkpoint as <c>chain, sequence, head, time, kid, signature</c>.
/// </summary>
internal static class AuditRows
{
    public static async Task<IReadOnlyList<StoredAuditEvent>> ReadEventsAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var events = new List<StoredAuditEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new StoredAuditEvent(
                reader.GetString(0),
                reader.GetInt64(1),
                reader.GetFieldValue<byte[]>(2),
                reader.GetFieldValue<byte[]>(3),
                reader.GetFieldValue<byte[]>(4)));
        }

        return events;
    }

    /// <summary>Heads selected as <c>chain, sequence, hash</c>.</summary>
    public static async Task<IReadOnlyList<AuditChainHead>> ReadHeadsAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var heads = new List<AuditChainHead>();
        while (await reader.ReadAsync(cancellationToken))
            heads.Add(new AuditChainHead(reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<byte[]>(2)));
        return heads;
    }

    public static async Task<IReadOnlyList<AuditCheckpoint>> ReadCheckpointsAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var checkpoints = new List<AuditCheckpoint>();
        while (await reader.ReadAsync(cancellationToken))
        {
            checkpoints.Add(new AuditCheckpoint(
                reader.GetString(0),
                reader.GetInt64(1),
                reader.GetFieldValue<byte[]>(2),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                reader.GetString(4),
                reader.GetFieldValue<byte[]>(5)));
        }

        return checkpoints;
    }
}
