using System.Collections.Frozen;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Postern.Verification;

/// <summary>
/// Parses a JWKS document into the usable keys by <c>kid</c>, logging every key it skips.
/// A document that is not a key set throws <see cref="ArgumentException"/>.
/// </summary>
internal static class JsonWebKeySetReader
{
    public static FrozenDictionary<string, VerificationKey> Read(string json, Uri source, ILogger logger)
    {
        var set = new JsonWebKeySet(json);
        var keys = new Dictionary<string, VerificationKey>(StringComparer.Ordinal);
        foreach (var jwk in set.Keys)
        {
            if (!JsonWebKeyReader.TryRead(jwk, out var key, out var reason))
            {
                logger.KeySkipped(jwk.Kid, source, reason);
            }
            else if (!keys.TryAdd(key.KeyId, key))
            {
                logger.DuplicateKeyId(key.KeyId, source);
            }
        }

        return keys.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
