using Postern.Server.Sessions;
using System.Text.Json.Nodes;
using Postern.Audit;
using Postern.Identity;
using Postern.Server.State;
using Postern.Server.Web;
using Postern.Storage;

namespace Postern.Server.SignIn;

/// <summary>
/// The outcome of a sign-in: a web session, or a reason for the client and a reason for the audit log; for a refused
/// attempt when to try again; for a user who must set up a second factor first, the token of an enrol-only state
/// (<paramref name="EnrolmentToken"/>).
/// </summary>
internal sealed record LoginOutcome(string? Token, WebSession? Session, string? ErrorCode, string? Error, TimeSpan? RetryAfter = null, string? EnrolmentToken = null)
{
    public bool Succeeded => Token is not null;

    /// <summary>Whether the client should be told 429 Too Many Requests (rather than 401).</summary>
    public bool IsTooManyRequests => ErrorCode is SignInRefusal.Slowed or SignInRefusal.Busy;
}

/// <summary>
/// Checks a user name and password (and one-time code) and opens a web session. Unknown users, wrong
/// passwords and locked users get the same answer, in the same time. Each attempt is counted
/// (<see cref="SignInThrottle"/>) before the password is checked, and checks run in a bounded number of slots
/// (<see cref="PasswordHashGate"/>); the policy is in <c>docs/sign-in.md</c>.
/// </summary>
internal sealed class LoginService(ClusterState cluster, SessionStore sessions, SecondFactor secondFactor, TotpEnrolment enrolment, AuditLog audit, SignInThrottle throttle, PasswordHashGate gate, TimeProvider time, SignInTelemetry telemetry)
{
    public const string InvalidCredentials = "invalid username or password";

    private static readonly Lazy<string> DummyHash = new(() => Passwords.Hash(Guid.NewGuid().ToString("N")));

    public async Task<LoginOutcome> LoginAsync(string username, string password, string? otp, string? remoteAddress, TimeSpan sessionTtl, CancellationToken cancellationToken)
    {
        using var span = SignInTelemetry.Start("password");
        var outcome = await CheckAsync(username, password, otp, remoteAddress, sessionTtl, cancellationToken).ConfigureAwait(false);
        telemetry.Ended("password", outcome.ErrorCode ?? "success", span);
        return outcome;
    }

    private async Task<LoginOutcome> CheckAsync(string username, string password, string? otp, string? remoteAddress, TimeSpan sessionTtl, CancellationToken cancellationToken)
    {
        var address = ClientAddress.Key(remoteAddress);
        var (refused, knownAddress) = await throttle.CheckAsync(username, address, cancellationToken).ConfigureAwait(false);
        if (refused is not null)
        {
            return await RefuseAsync(username, refused, remoteAddress).ConfigureAwait(false);
        }

        IdentityStanding standing;
        User? user;
        bool passwordOk;
        using (var slot = await gate.EnterAsync(knownAddress, cancellationToken).ConfigureAwait(false))
        {
            if (!slot.IsAcquired)
            {
                return await RefuseAsync(username, new SignInRefusal(SignInRefusal.Busy, "password checks busy", gate.RetryAfter), remoteAddress).ConfigureAwait(false);
            }

            if (await throttle.ClaimAsync(username, address, cancellationToken).ConfigureAwait(false) is { } refusedNow)
            {
                return await RefuseAsync(username, refusedNow, remoteAddress).ConfigureAwait(false);
            }

            standing = IdentityStanding.OfUser(cluster, username);
            user = cluster.FindUser(username);
            passwordOk = await PasswordHashGate.VerifyAsync(user?.PasswordHash ?? DummyHash.Value, password).ConfigureAwait(false) && user?.PasswordHash is not null;
        }

        var now = time.GetUtcNow();
        string? failure = user is null ? "unknown user"
            : user.PasswordHash is null ? "the user has not set a password"
            : !passwordOk ? "wrong password"
            : !standing.IsActive ? "the user is locked"
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
                "this user must set up a one-time code before signing in: sign in on the web page (/web/login) to set it up", EnrolmentToken: enrolmentToken);
        }

        if (failure is not null)
        {
            await AuditAsync(username, false, failure, remoteAddress).ConfigureAwait(false);
            return new LoginOutcome(null, null, "invalid_credentials", InvalidCredentials);
        }

        await throttle.SucceededAsync(username, address, cancellationToken).ConfigureAwait(false);
        var (token, session) = await sessions.CreateWebSessionAsync(username, sessionTtl, cancellationToken).ConfigureAwait(false);
        await AuditAsync(username, true, null, remoteAddress, SessionKeys.ReferenceOfToken(token)).ConfigureAwait(false);
        return new LoginOutcome(token, session, null, null);
    }

    private async Task<LoginOutcome> RefuseAsync(string username, SignInRefusal refusal, string? remoteAddress)
    {
        await AuditAsync(username, false, refusal.Reason, remoteAddress).ConfigureAwait(false);
        return refusal.Code == SignInRefusal.LockedOut
            ? new LoginOutcome(null, null, SignInRefusal.LockedOut, "too many failed sign-in attempts; try again later", refusal.RetryAfter)
            : new LoginOutcome(null, null, refusal.Code, "too many sign-in attempts; try again later", refusal.RetryAfter);
    }

    /// <param name="session">The reference of the web session a successful sign-in opened (never its token).</param>
    private Task AuditAsync(string username, bool success, string? reason, string? remoteAddress, string? session = null)
    {
        var fields = new JsonObject { ["user"] = username, ["success"] = success, ["method"] = "password" };
        if (session is not null)
        {
            fields["session"] = session;
        }

        if (reason is not null)
        {
            fields["reason"] = reason;
        }

        if (remoteAddress is not null)
        {
            fields["remote_addr"] = remoteAddress;
        }

        return audit.AppendAsync(AuditEventTypes.UserLogin, AuditActor.User(username, remoteAddress).Stamp(fields), CancellationToken.None);
    }
}
