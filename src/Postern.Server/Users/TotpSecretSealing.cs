using Postern.Authority;
using Postern.Identity;
using Postern.Resources;
using Postern.Server.Users;
using Postern.Storage;

namespace Postern.Server.Users;

/// <summary>
/// Seals the plain TOTP secrets of user records written before secrets were sealed: run at start, before
/// the server serves, so that afterwards the store holds no plain seed. Each record is rewritten with a
/// conditional write; one changed meanwhile (by another instance sealing it too) is read again.
/// </summary>
internal static class TotpSecretSealing
{
    /// <summary>Seals every legacy secret; returns how many records were rewritten.</summary>
    public static async Task<int> SealLegacySecretsAsync(UserDirectory users, IBackend store, KeyEncryptionKey kek, CancellationToken cancellationToken)
    {
        var sealedCount = 0;
        foreach (var item in await store.RangeAsync(ResourceJson.Prefix(ResourceKinds.User), cancellationToken).ConfigureAwait(false))
        {
            var name = item.Key[ResourceJson.Prefix(ResourceKinds.User).Length..];
            for (var attempt = 0; attempt < 5; attempt++)
            {
                if (await users.GetAsync(name, cancellationToken).ConfigureAwait(false) is not { User.LegacyTotpSecret: { } plain } found)
                {
                    break;
                }

                var sealedUser = found.User with { TotpSecret = SealedTotpSecret.Seal(kek, found.User.Name, plain), LegacyTotpSecret = null };
                if ((await users.WriteAsync(sealedUser, found.Revision, cancellationToken).ConfigureAwait(false)).Succeeded)
                {
                    sealedCount++;
                    break;
                }
            }
        }

        return sealedCount;
    }
}
