using System.Text;
using Microsoft.Extensions.Time.Testing;
using Postern.Storage;

namespace Postern.Storage.Conformance;

/// <summary>
/// The behaviour every <see cref="IBackend"/> owes Postern. A backend's test project derives from this class,
/// supplies the three hooks and runs every test unchanged. The tests are split by subject over several files.
/// </summary>
/// <remarks>
/// Each test opens its own fresh store, so nothing is shared between tests. Tests that do not move time use
/// <see cref="TimeProvider.System"/>; tests of expiry use a <see cref="FakeTimeProvider"/>. Every wait is
/// bounded by <see cref="Patience"/>, so a broken backend fails instead of hanging.
/// </remarks>
public abstract partial class BackendConformanceTests : IAsyncLifetime
{
    /// <summary>How long a test waits for something that should happen at once.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly List<IBackend> _opened = [];

    /// <summary>Opens a fresh, empty store that reads the time from <paramref name="time"/>.</summary>
    protected abstract Task<IBackend> OpenAsync(TimeProvider time);

    /// <summary>
    /// Opens another independent handle on the store behind <paramref name="first"/>, as a second Postern
    /// instance or process would: it shares no memory with <paramref name="first"/>, only the store.
    /// </summary>
    protected abstract Task<IBackend> OpenSecondClientAsync(IBackend first, TimeProvider time);

    /// <summary>Runs the backend's deletion of expired items now.</summary>
    protected abstract Task SweepAsync(IBackend backend);

    /// <inheritdoc />
    public virtual Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Disposes every store the test opened, newest first.</summary>
    public virtual async Task DisposeAsync()
    {
        for (var i = _opened.Count - 1; i >= 0; i--)
            await _opened[i].DisposeAsync();
        _opened.Clear();
    }

    /// <summary>A fresh store, disposed after the test.</summary>
    protected async Task<IBackend> StoreAsync(TimeProvider? time = null)
    {
        var store = await OpenAsync(time ?? TimeProvider.System);
        _opened.Add(store);
        return store;
    }

    /// <summary>A second client on <paramref name="first"/>'s store, disposed after the test.</summary>
    protected async Task<IBackend> SecondClientAsync(IBackend first, TimeProvider? time = null)
    {
        var store = await OpenSecondClientAsync(first, time ?? TimeProvider.System);
        _opened.Add(store);
        return store;
    }

    /// <summary>A fake clock at a fixed, whole-second instant.</summary>
    protected static FakeTimeProvider FakeClock() => new(new DateTimeOffset(2031, 5, 17, 9, 30, 0, TimeSpan.Zero));

    /// <summary>UTF-8 bytes of <paramref name="text"/>.</summary>
    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>The UTF-8 text of <paramref name="value"/>.</summary>
    protected static string Text(ReadOnlyMemory<byte> value) => Encoding.UTF8.GetString(value.Span);

    /// <summary>No cancellation: the calls under test are bounded by <see cref="Patience"/> where they could hang.</summary>
    protected static CancellationToken None => CancellationToken.None;
}
