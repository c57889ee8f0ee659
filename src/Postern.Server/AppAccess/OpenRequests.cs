using Microsoft.AspNetCore.Http;

namespace Postern.Server.AppAccess;

/// <summary>
/// The requests one app session has open through the proxy now (long responses, WebSocket and SPDY tunnels), so
/// that ending the session or losing access to the app ends them too instead of leaving them open until they finish
/// on their own. A request is aborted while it is still held here, under the lock, so an abort never reaches a later
/// request that reuses the connection's context.
/// </summary>
internal sealed class OpenRequests
{
    private readonly Lock _lock = new();
    private HashSet<HttpContext>? _open;
    private bool _ended;

    /// <summary>Whether the session has ended: nothing more is forwarded for it.</summary>
    public bool IsEnded
    {
        get
        {
            lock (_lock)
            {
                return _ended;
            }
        }
    }

    /// <summary>Whether any request is open now.</summary>
    public bool Any
    {
        get
        {
            lock (_lock)
            {
                return _open is { Count: > 0 };
            }
        }
    }

    /// <summary>Holds <paramref name="context"/> until <see cref="Leave"/>; <c>false</c> when the session has ended and it must not be forwarded.</summary>
    public bool TryEnter(HttpContext context)
    {
        lock (_lock)
        {
            if (_ended)
            {
                return false;
            }

            (_open ??= []).Add(context);
            return true;
        }
    }

    public void Leave(HttpContext context)
    {
        lock (_lock)
        {
            _open?.Remove(context);
        }
    }

    /// <summary>Aborts every open request; later ones are still let through (to be refused by the access check). Returns how many.</summary>
    public int AbortAll()
    {
        lock (_lock)
        {
            return AbortLocked();
        }
    }

    /// <summary>The session ended: aborts every open request and refuses every later one. Returns how many were aborted.</summary>
    public int End()
    {
        lock (_lock)
        {
            _ended = true;
            return AbortLocked();
        }
    }

    private int AbortLocked()
    {
        if (_open is not { Count: > 0 } open)
        {
            return 0;
        }

        var count = open.Count;
        foreach (var context in open)
        {
            context.Abort();
        }

        open.Clear();
        return count;
    }
}
