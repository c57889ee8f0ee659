using System.Collections.Concurrent;
using Postern.Server.Sessions;
using Postern.Server.State;
using Postern.Storage;

namespace Postern.Server.AppAccess;

/// <summary>
/// The live app sessions of this instance in memory, keyed by the SHA-256 of their token. A session
/// not yet seen here (opened on another instance, or before a restart) is read from the store once;
/// one deleted in the store (sign-out, lock, <c>users rm</c>, expiry) is dropped by the watch, and the
/// requests it has open through the proxy are aborted with it, wherever the deletion was made.
/// </summary>
internal sealed class AppSessions(SessionStore sessions, TimeProvider time) : IStateFollower
{
    private readonly ConcurrentDictionary<string, AppSessionState> _live = new(StringComparer.Ordinal);

    // Grows with every deletion the watch reports: a lookup that read the store before one and cached after it reads again.
    private long _deletions;

    public int Count => _live.Count;

    public IReadOnlyList<string> Prefixes { get; } = [SessionKeys.AppPrefix];

    /// <summary>Sessions are read when first used, not at load.</summary>
    public bool ReadsAtLoad => false;

    /// <summary>Every live session held here.</summary>
    public IEnumerable<AppSessionState> All => _live.Values;

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
            if (state.Expires > time.GetUtcNow() && !state.Open.IsEnded)
            {
                return state;
            }

            Drop(hash);
            return null;
        }

        var deletions = Interlocked.Read(ref _deletions);
        var stored = await sessions.FindAppSessionAsync(hash, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return null;
        }

        state = _live.GetOrAdd(hash, new AppSessionState(hash, stored.User, stored.App, stored.WebSession, stored.Expires));

        // A deletion reported between the read and the add may have been this session's, and found nothing to drop.
        if (Interlocked.Read(ref _deletions) != deletions && await sessions.FindAppSessionAsync(hash, cancellationToken).ConfigureAwait(false) is null)
        {
            Drop(hash);
            return null;
        }

        return state.Open.IsEnded ? null : state;
    }

    /// <summary>
    /// Opens an app session from a launch of the web session <paramref name="webSession"/>, only while that lives;
    /// <c>null</c> when it has ended, before the launch completed or while it did.
    /// </summary>
    public async Task<(string Token, AppSessionState State)?> CreateAsync(string user, string app, string webSession, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        if (await sessions.FindWebSessionByHashAsync(webSession, cancellationToken).ConfigureAwait(false) is null)
        {
            return null;
        }

        var (token, hash, session) = await sessions.CreateAppSessionAsync(user, app, webSession, expires, cancellationToken).ConfigureAwait(false);
        var state = new AppSessionState(hash, session.User, session.App, session.WebSession, session.Expires);
        _live[hash] = state;

        // A sign-out ends the web session first and then its app sessions: if it ran meanwhile, it may have missed this one.
        if (await sessions.FindWebSessionByHashAsync(webSession, cancellationToken).ConfigureAwait(false) is null)
        {
            Drop(hash);
            await sessions.EndAppSessionAsync(hash, CancellationToken.None).ConfigureAwait(false);
            return null;
        }

        return (token, state);
    }

    /// <summary>Holds <paramref name="state"/> as live, as <see cref="FindAsync"/> does after reading it from the store.</summary>
    internal void Track(AppSessionState state) => _live[state.Hash] = state;

    /// <summary>How the check started by the last <see cref="Clear"/> went; for tests.</summary>
    internal Task Reconciled { get; private set; } = Task.CompletedTask;

    /// <summary>
    /// Before a reload of the state (the change feed was compacted past this instance), when deletions may have been
    /// missed: every session held here is checked against the store, and those gone are dropped with their open requests.
    /// </summary>
    public void Clear() => Reconciled = DropMissedAsync();

    private async Task DropMissedAsync()
    {
        Interlocked.Increment(ref _deletions);
        var held = _live.Keys.ToArray();
        if (held.Length == 0)
        {
            return;
        }

        HashSet<string>? stored = null;
        try
        {
            stored = [.. await sessions.AppSessionHashesAsync(CancellationToken.None).ConfigureAwait(false)];
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The store cannot say which are gone: drop them all; each is read again when next used.
        }

        foreach (var hash in held)
        {
            if (stored is null || !stored.Contains(hash))
            {
                Drop(hash);
            }
        }
    }

    /// <summary>Forgets a session whose store record is gone, and ends what it has open.</summary>
    public void Apply(Change change)
    {
        if (change.Kind != ChangeKind.Put)
        {
            Interlocked.Increment(ref _deletions);
            Drop(change.Key[SessionKeys.AppPrefix.Length..]);
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
                Drop(hash);
            }
        }
    }

    /// <summary>Forgets the session and aborts its open requests; none is let through for it after.</summary>
    private void Drop(string hash)
    {
        if (_live.TryRemove(hash, out var state))
        {
            state.Open.End();
        }
    }
}
