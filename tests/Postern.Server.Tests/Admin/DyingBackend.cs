using Postern.Storage;
using Postern.Testing;

namespace Postern.Server.Tests.Admin;

/// <summary>
/// A store that stands for a process killed at one moment: the first write that would put a key under
/// <paramref name="prefix"/> (alone, in a batch, or beside a conditional write) throws before anything of it is
/// written, and so does every write after it. What the store holds afterwards is what a crash there would leave.
/// </summary>
internal sealed class DyingBackend(IBackend inner, string prefix) : ForwardingBackend(inner)
{
    private bool _dead;

    public override Task<long> PutAsync(string key, ReadOnlyMemory<byte> value, DateTimeOffset? expires, CancellationToken cancellationToken)
    {
        DieAt([key]);
        return base.PutAsync(key, value, expires, cancellationToken);
    }

    public override Task<long> PutBatchAsync(IReadOnlyList<BatchPut> items, CancellationToken cancellationToken)
    {
        DieAt(items.Select(i => i.Key));
        return base.PutBatchAsync(items, cancellationToken);
    }

    public override Task<WriteResult> CompareAndSwapWithAsync(string key, long expectedRevision, ReadOnlyMemory<byte> value, DateTimeOffset? expires, IReadOnlyList<BatchPut> alongside, CancellationToken cancellationToken)
    {
        DieAt(alongside.Select(i => i.Key).Prepend(key));
        return base.CompareAndSwapWithAsync(key, expectedRevision, value, expires, alongside, cancellationToken);
    }

    private void DieAt(IEnumerable<string> keys)
    {
        _dead |= keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal));
        if (_dead)
        {
            throw new IOException($"the process died writing under {prefix}");
        }
    }
}
