using Postern.Storage;

namespace Postern.Audit;

/// <summary>An event queued in <see cref="AuditLog"/>, and what its caller waits on until it is durable.</summary>
internal sealed record PendingAuditEvent(BatchPut Item, TaskCompletionSource Written);
