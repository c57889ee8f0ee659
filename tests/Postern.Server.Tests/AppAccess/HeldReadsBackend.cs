using Postern.Storage;
using Postern.Testing;

namespace Postern.Server.Tests.AppAccess;

/// <summary>
/// A store that can hold a read after it has read its value and before it returns it, so that a test can make a
/// change land exactly in the window between a lookup's read and its use.
/// </summary>
internal sealed class HeldReadsBackend(IBackend inner) : ForwardingBackend(inner)
{
    private TaskCompletionSource? _release;

    /// <summary>Completes when a held read has its value.</summary>
    public TaskCompletionSource ReadHeld { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Holds the next reads of keys starting with <paramref name="prefix"/> until <see cref="Release"/>.</summary>
    public void HoldReads(string prefix)
    {
        HeldPrefix = prefix;
        ReadHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);
        _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Release()
    {
        HeldPrefix = null;
        _release?.TrySetResult();
    }

    private string? HeldPrefix { get; set; }

    public override async Task<Item?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var item = await base.GetAsync(key, cancellationToken);
        if (HeldPrefix is { } prefix && key.StartsWith(prefix, StringComparison.Ordinal) && _release is { } release)
        {
            ReadHeld.TrySetResult();
            await release.Task.WaitAsync(cancellationToken);
        }

        return item;
    }
}
