using Postern.Identity;

namespace Postern.Server.AppAccess;

/// <summary>
/// What the proxy keeps in memory for one live app session: who and which app, the access decision
/// and the signed assertion, each tagged with what it was computed from so that a change in the store
/// is seen on the next request.
/// </summary>
internal sealed class AppSessionState(string hash, string user, string app, string webSession, DateTimeOffset expires)
{
    private readonly SemaphoreSlim _mintLock = new(1, 1);

    /// <summary>The session's store name (the SHA-256 of its token).</summary>
    public string Hash { get; } = hash;

    public string User { get; } = user;

    public string App { get; } = app;

    public string WebSession { get; } = webSession;

    public DateTimeOffset Expires { get; } = expires;

    /// <summary>The last access decision and the <see cref="State.ClusterState.Version"/> it was made at.</summary>
    public Decision? LastDecision { get; set; }

    /// <summary>The assertion in use; replaced, never changed.</summary>
    public volatile MintedAssertion? Assertion;

    /// <summary>The client address of the session's latest request, for the audit events it causes.</summary>
    public volatile string? ClientAddr;

    public SemaphoreSlim MintLock => _mintLock;

    /// <summary>The requests it has open through the proxy, ended with it.</summary>
    public OpenRequests Open { get; } = new();

    internal sealed record Decision(long Version, AccessDecision Access, User? UserRecord, long UserRevision, long AppRevision);
}

/// <summary>
/// An assertion minted for an app session, what it was minted from and what its headers take of the app's budget. One
/// over the budget (<see cref="HeaderBudget.IsOver"/>) is never sent: its <see cref="Token"/> is empty.
/// </summary>
internal sealed record MintedAssertion(
    string Token, string Jti, string KeyId, DateTimeOffset IssuedAt, DateTimeOffset RenewAt, DateTimeOffset Expires, long UserRevision, long AppRevision, HeaderBudget Budget);
