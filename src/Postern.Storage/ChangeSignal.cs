namespace Postern.Storage;

/// <summary>Wakes this process's watches as soon as a write through this backend commits.</summary>
internal sealed class ChangeSignal
{
    private TaskCompletionSource _next = NewSource();

    /// <summary>Completes at the next <see cref="Notify"/>. Take it before reading, so no write slips between.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    /// <summary>Wakes everyone waiting on <see cref="Next"/>.</summary>
    public void Notify() => Interlocked.Exchange(ref _next, NewSource()).TrySetResult();

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
