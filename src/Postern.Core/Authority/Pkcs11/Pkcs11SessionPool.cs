using System.Collections.Concurrent;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Postern.Authority.Pkcs11;

/// <summary>
/// Read-only sessions on one token, each used by one thread at a time, so that signatures run in
/// parallel rather than in turn behind one lock. Sessions open as they are first needed, up to a
/// bound; they share the token's login, which PKCS#11 keeps per application, not per session.
/// </summary>
internal sealed class Pkcs11SessionPool(ISlot slot, int size) : IDisposable
{
    private readonly ConcurrentBag<ISession> _idle = [];
    private readonly SemaphoreSlim _free = new(size, size);
    private volatile bool _disposed;

    /// <summary>The most sessions open at once.</summary>
    public int Size => size;

    /// <summary>Runs <paramref name="operation"/> on a session of its own, waiting for one when all are busy.</summary>
    public TResult Run<TState, TResult>(TState state, Func<ISession, TState, TResult> operation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _free.Wait();
        ISession? session = null;
        try
        {
            session = _idle.TryTake(out var idle) ? idle : slot.OpenSession(SessionType.ReadOnly);
            var result = operation(session, state);
            _idle.Add(session);
            session = null;
            if (_disposed)
            {
                Drain();
            }

            return result;
        }
        finally
        {
            // A session whose operation failed may be left in any state, or be gone with the token: it is
            // closed rather than reused, and the next caller opens a fresh one.
            session?.Dispose();
            _free.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _disposed = true;
        Drain();
    }

    private void Drain()
    {
        while (_idle.TryTake(out var session))
        {
            session.Dispose();
        }
    }
}
