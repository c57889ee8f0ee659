using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Postern.Agent.Bundles;
using Postern.Verification;

namespace Postern.Fuzz.Harnesses;

/// <summary>
/// JWK sets, through every reader that takes one from outside: <see cref="KeySet.TryParse"/> (a SPIFFE bundle),
/// the fetched-key-set reader behind <see cref="JsonWebKeySetCache"/> (UTF-8 bytes; its documented error is
/// <see cref="JsonException"/>), and the agent's <see cref="JwtBundle.TryCreate"/>, which re-writes the usable keys
/// as a SPIFFE bundle. Contract: a key set or an error; each usable key appears once, by <c>kid</c>.
/// </summary>
internal static class JwksHarness
{
    public static void Run(byte[] input)
    {
        var text = FuzzInput.Text(input);
        if (KeySet.TryParse(text, "the fuzzed key set", out var keySet, out var error))
        {
            ContractBroken.Unless(error is null && keySet.KeyIds.Count == keySet.Jwks.Count, "a key set with an error, or keys without their JWK");
            ContractBroken.Unless(keySet.KeyIds.Distinct(StringComparer.Ordinal).Count() == keySet.KeyIds.Count, "a kid appears twice in the key set");
        }
        else
        {
            ContractBroken.Unless(keySet is null && !string.IsNullOrEmpty(error), "refused without a reason");
        }

        try
        {
            var keys = JsonWebKeySetReader.Read(input, "the fuzzed key set", NullLogger.Instance);
            ContractBroken.Unless(keySet is not null && keys.Count == keySet.KeyIds.Count, "the bytes reader and the text reader disagree");
        }
        catch (JsonException)
        {
            // The documented refusal of a document that is not a key set.
        }

        if (JwtBundle.TryCreate("example.org", input, "\"fuzz\"", out var bundle, out var bundleError))
        {
            using var spiffe = JsonDocument.Parse(bundle.SpiffeJson);
            ContractBroken.Unless(spiffe.RootElement.GetProperty("keys").GetArrayLength() == bundle.Keys.KeyIds.Count, "the SPIFFE bundle lost or gained a key");
        }
        else
        {
            ContractBroken.Unless(!string.IsNullOrEmpty(bundleError), "the agent refused a bundle without a reason");
        }
    }
}
