using Postern.Server.Sessions;
using System.Globalization;
using System.Text;
using Postern.Authority;
using Postern.Identity;
using Postern.Server.Users;
using Postern.Storage;

namespace Postern.Server.SignIn;

/// <summary>
/// Checks a user's second factor at sign-in: a TOTP code, accepted once (a code whose time step is not
/// later than the last one used is a replay), or one of the user's recovery codes, which is struck off
/// the user's record with a conditional write so that two sign-ins cannot both spend it.
/// </summary>
internal sealed class SecondFactor(IBackend store, UserDirectory users, AuthorityKeyring keyring, TimeProvider time)
{
    /// <summary>The last time step used by each user, at <c>/otp_used/&lt;name&gt;</c>.</summary>
    public const string UsedStepPrefix = "/otp_used/";

    private static readonly TimeSpan UsedStepLifetime = TimeSpan.FromMinutes(5);

    /// <summary>Checks <paramref name="otp"/>, a one-time code or a recovery code; the reason it is refused, for the audit log, or <c>null</c>.</summary>
    public async Task<string?> CheckAsync(User user, string otp, CancellationToken cancellationToken)
    {
        if (RecoveryCodes.LooksLikeCode(otp))
        {
            return await SpendRecoveryCodeAsync(user.Name, otp, cancellationToken).ConfigureAwait(false);
        }

        return SecretOf(user) is { } secret
            ? await CheckCodeAsync(user.Name, secret, otp, cancellationToken).ConfigureAwait(false)
            : "the second-factor secret does not open with this key-encryption key";
    }

    /// <summary>The user's base32 secret: opened from its sealed form, or a legacy plain one not yet sealed.</summary>
    public string? SecretOf(User user) =>
        user.TotpSecret is { } sealedSecret ? SealedTotpSecret.Open(keyring.Kek, user.Name, sealedSecret) : user.LegacyTotpSecret;

    /// <summary>Checks a TOTP code against <paramref name="secret"/> and records its step, refusing a step already used (a replay).</summary>
    public async Task<string?> CheckCodeAsync(string username, string secret, string otp, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!Totp.Verify(secret, otp, now, out var step))
        {
            return "wrong one-time code";
        }

        var key = UsedStepPrefix + Uri.EscapeDataString(username);
        var used = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (used is not null && long.TryParse(Encoding.ASCII.GetString(used.Value.Span), out var last) && step <= last)
        {
            return "one-time code already used";
        }

        var write = await store.CompareAndSwapAsync(key, used?.Revision ?? Revision.Absent, Encoding.ASCII.GetBytes(step.ToString(CultureInfo.InvariantCulture)),
            now + UsedStepLifetime, cancellationToken).ConfigureAwait(false);
        return write.Succeeded ? null : "one-time code already used";
    }

    private async Task<string?> SpendRecoveryCodeAsync(string username, string code, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if (await users.GetAsync(username, cancellationToken).ConfigureAwait(false) is not { } found)
            {
                return "unknown user";
            }

            var index = RecoveryCodes.Find(found.User.RecoveryCodeHashes, code);
            if (index < 0)
            {
                return "wrong or used recovery code";
            }

            var left = found.User.RecoveryCodeHashes.Where((_, i) => i != index).ToArray();
            var write = await users.WriteAsync(found.User with { RecoveryCodeHashes = left }, found.Revision, cancellationToken).ConfigureAwait(false);
            if (write.Succeeded)
            {
                return null;
            }
        }

        return "the user's record is changing; recovery code not used";
    }
}
