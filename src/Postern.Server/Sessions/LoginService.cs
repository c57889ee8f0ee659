using System.Text.Json.Nodes;
using Postern.Audit;
using Postern.Identity;
using Postern.Server.State;
using Postern.Storage;

namespace Postern.Server.Sessions;

/// <summary>
/// The outcome of a sign-in: a web session, or a reason for the client and a reason for the audit log; for a user who
/// must set up a second factor first, the token of an enrol-only state (<paramref name="EnrolmentToken"/>).
/// </summary>
internal sealed record LoginOutcome(string? Token, WebSession? Session, string? ErrorCode, string? Error, string? EnrolmentToken = null)
{
    public bool Succeeded => Token is not null;
}

/// <summary>
/// Checks a user name and password (and one-time code) and opens a web session. Unknown users, wrong
/// passwords and locked users get the same answer, in the same time; repeated failures for a name lock
/// that name out for a while, whether or not such a user exists.
/// </summary>
internal sealed class LoginService(ClusterState cluster, IBackend store, SessionStore sessions, SecondFactor secondFactor, TotpEnrolment enrolment, AuditLog audit, TimeProvider time)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan FailureWindow = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(30);
    public const string InvalidCredentials = "invalid username or password";

    private static readonly Lazy<string> DummyHash = new(() => Passwords.Hash(Guid.NewGuid().ToString("N")));

    public async Task<LoginOutcome> LoginAsync(string username, string password, string? otp, string? remoteAddress, TimeSpan sessionTtl, CancellationToken cancellationToken)
    {
        var attemptsKey = SessionKeys.LoginAttemptsPrefix + Uri.EscapeDataString(username);
        var attempts = await store.GetAsync(attemptsKey, cancellationToken).ConfigureAwait(false);
        var record = attempts is null ? null : StoreJson.TryDeserialize<LoginAttempts>(attempts.Value);
        var now = time.GetUtcNow();
        if (record?.LockedUntil > now)
        {
            await AuditAsync(username, false, "locked out after repeated failures", remoteAddress).ConfigureAwait(false);
            return new LoginOutcome(null, null, "locked_out", "too many failed sign-in attempts; try again later");
        }

        var user = cluster.FindUser(username);
        var passwordOk = Passwords.Verify(user?.PasswordHash ?? DummyHash.Value, password) && user?.PasswordHash is not null;
        string? failure = user is null ? "unknown user"
            : user.PasswordHash is null ? "the user has not set a password"
            : !passwordOk ? "wrong password"
            : cluster.FindLock("user/" + username) is not null ? "the user is locked"
            : null;

        if (failure is null && user!.HasTotp)
        {
            if (string.IsNullOrEmpty(otp))
            {
                await AuditAsync(username, false, "one-time code missing", remoteAddress).ConfigureAwait(false);
                return new LoginOutcome(null, null, "otp_required", "a one-time code is required");
            }

            failure = await secondFactor.CheckAsync(user, otp, cancellationToken).ConfigureAwait(false);
        }
        else if (failure is null && user!.RequireTotp)
        {
            // Like Teleport's second_factor: on, the password of a user who must have a second factor and has none opens
            // an enrol-only state (see TotpEnrolment), never a web session.
            await AuditAsync(username, false, "a second factor is required and not set up; sent to enrol", remoteAddress).ConfigureAwait(false);
            var enrolmentToken = await enrolment.StartSessionAsync(username, cancellationToken).ConfigureAwait(false);
            return new LoginOutcome(null, null, "totp_enrolment_required",
                "this user must set up a one-time code before signing in: sign in on the web page (/web/login) to set it up", enrolmentToken);
        }

        if (failure is not null)
        {
            await RecordFailureAsync(attemptsKey, attempts, record, now, cancellationToken).ConfigureAwait(false);
            await AuditAsync(username, false, failure, remoteAddress).ConfigureAwait(false);
            return new LoginOutcome(null, null, "invalid_credentials", InvalidCredentials);
        }

        if (attempts is not null)
        {
            await store.DeleteAsync(attemptsKey, cancellationToken).ConfigureAwait(false);
        }

        var (token, session) = await sessions.CreateWebSessionAsync(username, sessionTtl, cancellationToken).ConfigureAwait(false);
        await AuditAsync(username, true, null, remoteAddress).ConfigureAwait(false);
        return new LoginOutcome(token, session, null, null);
    }

    private async Task RecordFailureAsync(string key, Item? current, LoginAttempts? record, DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var failures = (record?.Failures ?? 0) + 1;
            var next = new LoginAttempts(failures, failures >= MaxFailures ? now + LockoutDuration : null);
            var expires = next.LockedUntil ?? now + FailureWindow;
            var write = await store.CompareAndSwapAsync(key, current?.Revision ?? Revision.Absent, StoreJson.Serialize(next), expires, cancellationToken).ConfigureAwait(false);
            if (write.Succeeded)
            {
                return;
            }

            current = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            record = current is null ? null : StoreJson.TryDeserialize<LoginAttempts>(current.Value);
        }
    }

    private Task AuditAsync(string username, bool success, string? reason, string? remoteAddress)
    {
        var fields = new JsonObject { ["user"] = username, ["success"] = success, ["method"] = "password" };
        if (reason is not null)
        {
            fields["reason"] = reason;
        }

        if (remoteAddress is not null)
        {
            fields["remote_addr"] = remoteAddress;
        }

        return audit.AppendAsync(AuditEventTypes.UserLogin, fields, CancellationToken.None);
    }
}
