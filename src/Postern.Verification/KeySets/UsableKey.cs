using System.Text.Json;

namespace Postern.Verification;

/// <summary>A key of a key set that passed <see cref="JsonWebKeyReader"/>: ready to verify, with its JWK as published.</summary>
internal readonly record struct UsableKey(VerificationKey Key, JsonElement Jwk);
