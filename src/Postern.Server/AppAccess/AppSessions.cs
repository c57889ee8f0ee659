using System.Collections.Concurrent;
using Postern.Server.Sessions;
using Postern.Server.State;
using Postern.Storage;

namespace Postern.Server.AppAccess;

/// <summary>
/// The live app sessions of this instance in memory, keyed by the SHA-256 of their token. A session
/// not yet seen here (opened on another instance, or before a restart) is read from the store once;
/// one deleted in the store (sign-out, lock, <c>users rm</c>) is dropped by the watch.
/// </summary>
internal sealed class AppSessions(SessionStore sessions, TimeProvider time) : IStateFollower
{
    private readonly ConcurrentDictionary<string, AppSessionState> _live = new(StringComparer.Ordinal);

    public int Count => _live.Count;

    public IReadOnlyList<string> Prefixes { get; } = [SessionKeys.AppPrefix];

    /// <summary>Sessions are read when first used, not at load.</summary>
    public bool ReadsAtLoad => false;

    /// <summary>The live session of <paramref name="token"/>, or <c>null</c> for a malformed, unknown, ended or expired one.</summary>
    public async ValueTask<AppSessionState?> FindAsync(string token, CancellationToken cancellationToken)
    {
        if (!SessionKeys.IsWellFormed(token))
        {
            return null;
        }

        var hash = SessionKeys.Hash(token);
        if (_live.TryGetValue(hash, out var state))
        {
            if (state.Expires > time.GetUtcNow())
            {
                return state;
            }

            _live.TryRemove(hash, out _);
            return null;
        }

        var stored = await sessions.FindAppSessionAsync(hash, cancellationToken).ConfigureAwait(false);
        return stored is null ? null : _live.GetOrAdd(hash, new AppSessionState(hash, stored.User, stored.App, stored.WebSession, stored.Expires));
    }

    public async Task<(string Token, AppSessionState State)> CreateAsync(string user, string app, string webSession, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        var (token, hash, session) = await sessions.CreateAppSessionAsync(user, app, webSession, expires, cancellationToken).ConfigureAwait(false);
        var state = new AppSessionState(hash, session.User, session.App, session.WebSession, session.Expires);
        _live[hash] = state;
        return (token, state);
    }

    /// <summary>Holds <paramref name="state"/> as live, as <see cref="FindAsync"/> does after reading it from the store.</summary>
    internal void Track(AppSessionState state) => _live[state.Hash] = state;

    public void Clear()
    {
    }

    /// <summary>Forgets a session whose store record is gone.</summary>
    public void Apply(Change change)
    {
        if (change.Kind != ChangeKind.Put)
        {
            _live.TryRemove(change.Key[SessionKeys.AppPrefix.Length..], out _);
        }
    }

    /// <summary>Forgets every session of <paramref name="user"/> at once, without waiting for the watch.</summary>
    public void Forget(string user) => ForgetWhere(state => state.User == user);

    /// <summary>Forgets every app session opened from the web session <paramref name="webSessionHash"/> (a sign-out), without waiting for the watch.</summary>
    public void ForgetWebSession(string webSessionHash) => ForgetWhere(state => state.WebSession == webSessionHash);

    private void ForgetWhere(Func<AppSessionState, bool> ended)
    {
        foreach (var (hash, state) in _live)
        {
            if (ended(state))
            {
                _live.TryRemove(hash, out _);
            }
        }
    }
}
