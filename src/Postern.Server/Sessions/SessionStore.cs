using Postern.Server.State;
using Postern.Storage;

namespace Postern.Server.Sessions;

/// <summary>
/// Web sessions, app sessions and launch codes in the store. Records expire with the store's own
/// expiry, so an ended session is gone on every instance.
/// </summary>
internal sealed class SessionStore(IBackend store, TimeProvider time)
{
    /// <summary>How long a launch code lives between the web address and the app's host.</summary>
    public static readonly TimeSpan LaunchCodeLifetime = TimeSpan.FromMinutes(1);

    /// <summary>How long the code of <c>postern login --sso</c> lives between the browser and the command line.</summary>
    public static readonly TimeSpan ClientLoginCodeLifetime = TimeSpan.FromSeconds(60);

    public async Task<(string Token, WebSession Session)> CreateWebSessionAsync(string user, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var session = new WebSession(user, now, now + ttl);
        var token = SessionKeys.NewToken();
        await store.PutAsync(SessionKeys.WebPrefix + SessionKeys.Hash(token), StoreJson.Serialize(session), session.Expires, cancellationToken).ConfigureAwait(false);
        return (token, session);
    }

    /// <summary>The live web session of <paramref name="token"/>, with its hash; <c>null</c> for a malformed, unknown or expired token.</summary>
    public async Task<(string Hash, WebSession Session)?> FindWebSessionAsync(string? token, CancellationToken cancellationToken)
    {
        if (!SessionKeys.IsWellFormed(token))
        {
            return null;
        }

        var hash = SessionKeys.Hash(token!);
        return await FindWebSessionByHashAsync(hash, cancellationToken).ConfigureAwait(false) is { } session ? (hash, session) : null;
    }

    /// <summary>The live web session stored as <paramref name="hash"/>; <c>null</c> once it has ended or expired.</summary>
    public async Task<WebSession?> FindWebSessionByHashAsync(string hash, CancellationToken cancellationToken)
    {
        var item = await store.GetAsync(SessionKeys.WebPrefix + hash, cancellationToken).ConfigureAwait(false);
        return item is not null && StoreJson.TryDeserialize<WebSession>(item.Value) is { } session && session.Expires > time.GetUtcNow() ? session : null;
    }

    public async Task<(string Token, string Hash, AppSession Session)> CreateAppSessionAsync(string user, string app, string webSessionHash, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        var session = new AppSession(user, app, webSessionHash, time.GetUtcNow(), expires);
        var token = SessionKeys.NewToken();
        var hash = SessionKeys.Hash(token);
        await store.PutAsync(SessionKeys.AppPrefix + hash, StoreJson.Serialize(session), expires, cancellationToken).ConfigureAwait(false);
        return (token, hash, session);
    }

    public async Task<AppSession?> FindAppSessionAsync(string hash, CancellationToken cancellationToken)
    {
        var item = await store.GetAsync(SessionKeys.AppPrefix + hash, cancellationToken).ConfigureAwait(false);
        return item is not null && StoreJson.TryDeserialize<AppSession>(item.Value) is { } session && session.Expires > time.GetUtcNow()
            ? session
            : null;
    }

    /// <summary>The store names of every live app session.</summary>
    public async Task<IEnumerable<string>> AppSessionHashesAsync(CancellationToken cancellationToken) =>
        (await store.RangeAsync(SessionKeys.AppPrefix, cancellationToken).ConfigureAwait(false)).Select(item => item.Key[SessionKeys.AppPrefix.Length..]);

    /// <summary>Ends one app session; every instance drops it when its watch reports the deletion.</summary>
    public Task<bool> EndAppSessionAsync(string hash, CancellationToken cancellationToken) =>
        store.DeleteAsync(SessionKeys.AppPrefix + hash, cancellationToken);

    public async Task<string> CreateLaunchCodeAsync(LaunchCode code, CancellationToken cancellationToken)
    {
        var token = SessionKeys.NewToken();
        await store.PutAsync(SessionKeys.CodePrefix + SessionKeys.Hash(token), StoreJson.Serialize(code), code.Expires, cancellationToken).ConfigureAwait(false);
        return token;
    }

    /// <summary>Takes the launch code: it is deleted as it is read, so a second use finds nothing.</summary>
    public async Task<LaunchCode?> TakeLaunchCodeAsync(string? token, CancellationToken cancellationToken)
    {
        if (!SessionKeys.IsWellFormed(token))
        {
            return null;
        }

        var key = SessionKeys.CodePrefix + SessionKeys.Hash(token!);
        var item = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (item is null)
        {
            return null;
        }

        var taken = await store.CompareAndDeleteAsync(key, item.Revision, cancellationToken).ConfigureAwait(false);
        return taken.Succeeded && StoreJson.TryDeserialize<LaunchCode>(item.Value) is { } code && code.Expires > time.GetUtcNow() ? code : null;
    }

    /// <summary>
    /// Stores a one-time code for the SSO sign-in of <c>postern login --sso</c>, redeemable with the verifier of
    /// <paramref name="challenge"/> for <see cref="ClientLoginCodeLifetime"/>; returns the code.
    /// </summary>
    public async Task<string> CreateClientLoginCodeAsync(string user, string webSessionHash, string challenge, CancellationToken cancellationToken)
    {
        var code = new ClientLoginCode(user, webSessionHash, challenge, time.GetUtcNow() + ClientLoginCodeLifetime);
        var token = SessionKeys.NewToken();
        await store.PutAsync(SessionKeys.ClientCodePrefix + SessionKeys.Hash(token), StoreJson.Serialize(code), code.Expires, cancellationToken).ConfigureAwait(false);
        return token;
    }

    /// <summary>
    /// Takes the code of <c>postern login --sso</c>: it is deleted as it is read, whatever follows, so a code tried with a
    /// wrong verifier is spent too. The code, or why it is refused.
    /// </summary>
    public async Task<(ClientLoginCode? Code, string? Refusal)> TakeClientLoginCodeAsync(string? token, string? verifier, CancellationToken cancellationToken)
    {
        const string Unknown = "the sign-in code is unknown, was used already, or expired (it lives 60 s); run `postern login --sso` again";
        if (!SessionKeys.IsWellFormed(token))
        {
            return (null, Unknown);
        }

        var key = SessionKeys.ClientCodePrefix + SessionKeys.Hash(token!);
        var item = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (item is null
            || !(await store.CompareAndDeleteAsync(key, item.Revision, cancellationToken).ConfigureAwait(false)).Succeeded
            || StoreJson.TryDeserialize<ClientLoginCode>(item.Value) is not { } code)
        {
            return (null, Unknown);
        }

        // The store drops an expired code by itself, but not necessarily at once.
        if (code.Expires <= time.GetUtcNow())
        {
            return (null, Unknown);
        }

        return ClientLoginChallenge.Matches(code.Challenge, verifier)
            ? (code, null)
            : (null, "the verifier does not match the sign-in code's challenge (the code was not issued to this command); run `postern login --sso` again");
    }

    /// <summary>Opens a client credential for the web session stored as <paramref name="webSessionHash"/>; it ends when that session does.</summary>
    public async Task<(string Token, ClientCredential Credential)> CreateClientCredentialAsync(string webSessionHash, WebSession session, CancellationToken cancellationToken)
    {
        var credential = new ClientCredential(session.User, webSessionHash, time.GetUtcNow(), session.Expires);
        var token = SessionKeys.NewToken();
        await store.PutAsync(SessionKeys.ClientPrefix + SessionKeys.Hash(token), StoreJson.Serialize(credential), credential.Expires, cancellationToken).ConfigureAwait(false);
        return (token, credential);
    }

    /// <summary>
    /// The client credential of <paramref name="token"/> while it and its web session live, with its hash; <c>null</c> for a
    /// malformed, unknown, expired or ended one (the caller still checks the user's standing).
    /// </summary>
    public async Task<(string Hash, ClientCredential Credential)?> FindClientCredentialAsync(string? token, CancellationToken cancellationToken)
    {
        if (!SessionKeys.IsWellFormed(token))
        {
            return null;
        }

        var hash = SessionKeys.Hash(token!);
        var item = await store.GetAsync(SessionKeys.ClientPrefix + hash, cancellationToken).ConfigureAwait(false);
        return item is not null && StoreJson.TryDeserialize<ClientCredential>(item.Value) is { } credential && credential.Expires > time.GetUtcNow()
            && await FindWebSessionByHashAsync(credential.WebSession, cancellationToken).ConfigureAwait(false) is { } web && web.User == credential.User
            ? (hash, credential)
            : null;
    }

    /// <summary>Ends a client credential and the web session it was opened with.</summary>
    public async Task EndClientCredentialAsync(string hash, ClientCredential credential, CancellationToken cancellationToken)
    {
        await store.DeleteAsync(SessionKeys.ClientPrefix + hash, cancellationToken).ConfigureAwait(false);
        await EndWebSessionAsync(credential.WebSession, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends a web session and every app session opened from it.</summary>
    public async Task EndWebSessionAsync(string hash, CancellationToken cancellationToken)
    {
        await store.DeleteAsync(SessionKeys.WebPrefix + hash, cancellationToken).ConfigureAwait(false);
        foreach (var item in await store.RangeAsync(SessionKeys.AppPrefix, cancellationToken).ConfigureAwait(false))
        {
            if (StoreJson.TryDeserialize<AppSession>(item.Value) is { } session && session.WebSession == hash)
            {
                await store.DeleteAsync(item.Key, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>How many web and app sessions of <paramref name="user"/> live now (what <see cref="EndSessionsOfAsync"/> would end).</summary>
    public async Task<int> CountSessionsOfAsync(string user, CancellationToken cancellationToken) =>
        (await store.RangeAsync(SessionKeys.AppPrefix, cancellationToken).ConfigureAwait(false)).Count(item => StoreJson.TryDeserialize<AppSession>(item.Value)?.User == user)
        + (await store.RangeAsync(SessionKeys.WebPrefix, cancellationToken).ConfigureAwait(false)).Count(item => StoreJson.TryDeserialize<WebSession>(item.Value)?.User == user);

    /// <summary>Ends every web and app session of <paramref name="user"/>; returns how many.</summary>
    public async Task<int> EndSessionsOfAsync(string user, CancellationToken cancellationToken)
    {
        var ended = 0;
        foreach (var item in await store.RangeAsync(SessionKeys.AppPrefix, cancellationToken).ConfigureAwait(false))
        {
            if (StoreJson.TryDeserialize<AppSession>(item.Value) is { } session && session.User == user
                && await store.DeleteAsync(item.Key, cancellationToken).ConfigureAwait(false))
            {
                ended++;
            }
        }

        foreach (var item in await store.RangeAsync(SessionKeys.ClientPrefix, cancellationToken).ConfigureAwait(false))
        {
            if (StoreJson.TryDeserialize<ClientCredential>(item.Value) is { } credential && credential.User == user)
            {
                await store.DeleteAsync(item.Key, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var item in await store.RangeAsync(SessionKeys.WebPrefix, cancellationToken).ConfigureAwait(false))
        {
            if (StoreJson.TryDeserialize<WebSession>(item.Value) is { } session && session.User == user
                && await store.DeleteAsync(item.Key, cancellationToken).ConfigureAwait(false))
            {
                ended++;
            }
        }

        return ended;
    }
}
