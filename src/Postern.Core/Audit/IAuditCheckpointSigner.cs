namespace Postern.Audit;

/// <summary>Signs the audit log's checkpoints with the audit key.</summary>
public interface IAuditCheckpointSigner
{
    /// <summary>The <c>kid</c> of the key that signs.</summary>
    string Kid { get; }

    /// <summary>The signature of <paramref name="payload"/> (<see cref="AuditCheckpoints.Payload"/>).</summary>
    byte[] Sign(byte[] payload);
}
