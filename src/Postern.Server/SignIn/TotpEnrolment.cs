using Postern.Server.Sessions;
using System.Text.Json.Nodes;
using Postern.Audit;
using Postern.Authority;
using Postern.Identity;
using Postern.Server.Users;
using Postern.Server.State;
using Postern.Storage;

namespace Postern.Server.SignIn;

/// <summary>A secret offered to a user on the enrolment page, sealed, at <c>/totp_pending/&lt;name&gt;</c> until confirmed or expired.</summary>
internal sealed record PendingTotp(string User, string SealedSecret, DateTimeOffset Expires);

/// <summary>
/// The enrol-only state of a user who must have a second factor and has none: it opens the enrolment
/// page and nothing else, at <c>/sessions/enrol/&lt;hash&gt;</c>.
/// </summary>
internal sealed record EnrolmentSession(string User, DateTimeOffset Expires);

/// <summary>The outcome of confirming a pending secret: the recovery codes to show once, or why it was refused.</summary>
internal sealed record EnrolmentOutcome(IReadOnlyList<string>? RecoveryCodes, string? Error)
{
    public bool Succeeded => RecoveryCodes is not null;
}

/// <summary>
/// Turning TOTP on: a secret is offered (kept server-side, sealed, for <see cref="PendingLifetime"/>) and
/// becomes the user's only when a code computed from it is confirmed; the user then gets ten recovery
/// codes, stored hashed.
/// </summary>
internal sealed class TotpEnrolment(IBackend store, UserDirectory users, SecondFactor secondFactor, AuthorityKeyring keyring, ClusterState cluster, AuditedWrites writes, TimeProvider time)
{
    public const string PendingPrefix = "/totp_pending/";
    public const string EnrolmentPrefix = "/sessions/enrol/";

    /// <summary>How long an offered secret waits for its confirming code.</summary>
    public static readonly TimeSpan PendingLifetime = TimeSpan.FromMinutes(10);

    /// <summary>How long the enrol-only state after a password lasts.</summary>
    public static readonly TimeSpan EnrolmentSessionLifetime = TimeSpan.FromMinutes(10);

    /// <summary>Opens an enrol-only state for <paramref name="user"/>, whose password was just checked; returns its token.</summary>
    public async Task<string> StartSessionAsync(string user, CancellationToken cancellationToken)
    {
        var token = SessionKeys.NewToken();
        var expires = time.GetUtcNow() + EnrolmentSessionLifetime;
        await store.PutAsync(EnrolmentPrefix + SessionKeys.Hash(token), StoreJson.Serialize(new EnrolmentSession(user, expires)), expires, cancellationToken).ConfigureAwait(false);
        return token;
    }

    /// <summary>The live enrol-only state of <paramref name="token"/>, with its hash.</summary>
    public async Task<(string Hash, EnrolmentSession Session)?> FindSessionAsync(string? token, CancellationToken cancellationToken)
    {
        if (!SessionKeys.IsWellFormed(token))
        {
            return null;
        }

        var hash = SessionKeys.Hash(token!);
        var item = await store.GetAsync(EnrolmentPrefix + hash, cancellationToken).ConfigureAwait(false);
        return item is not null && StoreJson.TryDeserialize<EnrolmentSession>(item.Value) is { } session && session.Expires > time.GetUtcNow() ? (hash, session) : null;
    }

    public Task EndSessionAsync(string hash, CancellationToken cancellationToken) => store.DeleteAsync(EnrolmentPrefix + hash, cancellationToken);

    /// <summary>The secret offered to <paramref name="user"/>: the pending one while it lasts (so a reload shows the same QR code), else a new one.</summary>
    public async Task<string> OfferAsync(string user, CancellationToken cancellationToken)
    {
        if (await FindPendingAsync(user, cancellationToken).ConfigureAwait(false) is { } pending)
        {
            return pending;
        }

        var secret = Totp.NewSecret();
        var expires = time.GetUtcNow() + PendingLifetime;
        var record = new PendingTotp(user, SealedTotpSecret.Format(SealedTotpSecret.Seal(keyring.Kek, user, secret)), expires);
        await store.PutAsync(PendingKey(user), StoreJson.Serialize(record), expires, cancellationToken).ConfigureAwait(false);
        return secret;
    }

    /// <summary>
    /// Makes the pending secret the user's when <paramref name="code"/> is right for it; the code's step counts as used,
    /// so the same code cannot then sign in. Refused when the user already has a second factor.
    /// </summary>
    public async Task<EnrolmentOutcome> ConfirmAsync(string user, string code, string? clientAddr, CancellationToken cancellationToken)
    {
        var item = await store.GetAsync(PendingKey(user), cancellationToken).ConfigureAwait(false);
        if (item is null || StoreJson.TryDeserialize<PendingTotp>(item.Value) is not { } pending || pending.Expires <= time.GetUtcNow()
            || SealedTotpSecret.Parse(pending.SealedSecret) is not { } sealedSecret
            || SealedTotpSecret.Open(keyring.Kek, user, sealedSecret) is not { } secret)
        {
            return new EnrolmentOutcome(null, "The offered secret has expired; a new one is shown.");
        }

        if (await secondFactor.CheckCodeAsync(user, secret, code, cancellationToken).ConfigureAwait(false) is not null)
        {
            return new EnrolmentOutcome(null, "That code is not right for this secret; check the authenticator app and the clock, then try the next code.");
        }

        var codes = RecoveryCodes.Generate();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if (await users.GetAsync(user, cancellationToken).ConfigureAwait(false) is not { } found)
            {
                return new EnrolmentOutcome(null, "The user no longer exists.");
            }

            if (found.User.HasTotp)
            {
                return new EnrolmentOutcome(null, "A one-time code is already set up; an administrator can reset it.");
            }

            var enrolled = found.User with { TotpSecret = sealedSecret, LegacyTotpSecret = null, RecoveryCodeHashes = [.. codes.Select(RecoveryCodes.Hash)] };
            // The second factor and its event in one transaction.
            var write = await users.WriteAsync(enrolled, found.Revision, writes, AuditEventTypes.UserTotpEnrol,
                new JsonObject { ["user"] = user, ["recovery_codes"] = codes.Count }, AuditActor.User(user, clientAddr), cancellationToken).ConfigureAwait(false);
            if (write.Succeeded)
            {
                await store.CompareAndDeleteAsync(PendingKey(user), item.Revision, cancellationToken).ConfigureAwait(false);
                await cluster.WaitForRevisionAsync(write.Revision, cancellationToken).ConfigureAwait(false);
                return new EnrolmentOutcome(codes, null);
            }
        }

        return new EnrolmentOutcome(null, "The user's record is changing; try again.");
    }

    /// <summary>Forgets an offered secret (when an administrator resets the user's second factor).</summary>
    public Task ForgetPendingAsync(string user, CancellationToken cancellationToken) => store.DeleteAsync(PendingKey(user), cancellationToken);

    private async Task<string?> FindPendingAsync(string user, CancellationToken cancellationToken)
    {
        var item = await store.GetAsync(PendingKey(user), cancellationToken).ConfigureAwait(false);
        return item is not null && StoreJson.TryDeserialize<PendingTotp>(item.Value) is { } pending && pending.Expires > time.GetUtcNow()
            && SealedTotpSecret.Parse(pending.SealedSecret) is { } sealedSecret
            ? SealedTotpSecret.Open(keyring.Kek, user, sealedSecret)
            : null;
    }

    private static string PendingKey(string user) => PendingPrefix + Uri.EscapeDataString(user);
}
