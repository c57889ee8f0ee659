using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Postern.Verification;

/// <summary>
/// A key set held in memory, read once from a JWKS document: for keys that arrive some other
/// way than a fetch from Postern, such as a SPIFFE bundle (a JWKS whose keys carry
/// <c>use: "jwt-svid"</c>) from the Workload API. Its keys are chosen by the same rules as a
/// <see cref="JsonWebKeySetCache"/>'s: a <c>kid</c>; <c>use</c> absent, <c>sig</c> or
/// <c>jwt-svid</c>; RSA of at least 2048 bits for RS256 or EC P-256 for ES256; of keys sharing
/// a <c>kid</c>, the first.
/// </summary>
/// <remarks>Immutable and safe for concurrent use; read a new one when the keys change.</remarks>
public sealed class KeySet : IKeySource
{
    private readonly FrozenDictionary<string, VerificationKey> _keys;

    private KeySet(string description, IReadOnlyList<UsableKey> keys)
    {
        Description = description;
        _keys = keys.ToFrozenDictionary(k => k.Key.KeyId, k => k.Key, StringComparer.Ordinal);
        KeyIds = [.. keys.Select(k => k.Key.KeyId)];
        Jwks = [.. keys.Select(k => k.Jwk)];
    }

    /// <summary>What messages call this key set, as given to <see cref="TryParse"/>.</summary>
    public string Description { get; }

    /// <summary>The <c>kid</c> of every usable key, in document order.</summary>
    public IReadOnlyList<string> KeyIds { get; }

    /// <summary>The JWK of every usable key as the document gave it, in document order; skipped keys are left out.</summary>
    public IReadOnlyList<JsonElement> Jwks { get; }

    /// <summary>Reads the usable keys of the JWKS document <paramref name="json"/>.</summary>
    /// <param name="json">A JWKS document: a JSON object with a <c>keys</c> array.</param>
    /// <param name="description">What messages call this key set, e.g. <c>the bundle of trust domain 'example.com'</c>.</param>
    /// <param name="keySet">The key set, when the document is a key set (it may hold no usable key).</param>
    /// <param name="error">Why the document is not a key set; null when it is.</param>
    /// <param name="logger">Where skipped keys are logged, with the reason.</param>
    /// <returns>Whether the document is a key set.</returns>
    public static bool TryParse(
        string json,
        string description,
        [NotNullWhen(true)] out KeySet? keySet,
        [NotNullWhen(false)] out string? error,
        ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentException.ThrowIfNullOrEmpty(description);
        try
        {
            keySet = new KeySet(description, JsonWebKeySetReader.Read(json, description, logger ?? NullLogger.Instance));
            error = null;
            return true;
        }
        catch (JsonException e)
        {
            keySet = null;
            error = $"The document is not a JWKS: {e.Message}";
            return false;
        }
    }

    ValueTask<KeyLookup> IKeySource.FindAsync(string keyId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_keys.TryGetValue(keyId, out var key) ? KeyLookup.Found(key) : KeyLookup.UnknownKeyId);
}
