using Postern.Resources;

namespace Postern.Fuzz.Harnesses;

/// <summary>
/// Resource YAML (<c>postern create -f</c>, the admin API's resources) through <see cref="ResourceYaml.Parse"/>;
/// every resource accepted is then stored and read back (<see cref="ResourceJson"/>, as the server keeps it) and
/// rendered back to YAML (<see cref="ResourceYaml.Render"/>, as <c>postern get</c> shows it) and parsed again.
/// Contract: resources or errors, never an exception; what was accepted survives the store and the round trip.
/// </summary>
internal static class ResourceYamlHarness
{
    public static void Run(byte[] input)
    {
        var parsed = ResourceYaml.Parse(FuzzInput.Text(input), "fuzz.yaml");
        ContractBroken.Unless(parsed.Errors.Count > 0 || parsed.Resources.Count > 0, "neither a resource nor an error");
        ContractBroken.Unless(parsed.Errors.All(e => !string.IsNullOrEmpty(e)), "an empty error");
        if (parsed.Errors.Count > 0)
        {
            return;
        }

        foreach (var resource in parsed.Resources)
        {
            var stored = ResourceJson.Deserialize(resource.Kind, ResourceJson.Serialize(resource));
            ContractBroken.Unless(stored is not null && stored.Metadata.Name == resource.Metadata.Name,
                $"{resource.Kind} '{resource.Metadata.Name}' was accepted but cannot be read back from the store");

            var again = ResourceYaml.Parse(ResourceYaml.Render(resource), "rendered.yaml");
            ContractBroken.Unless(again.Errors.Count == 0 && again.Resources.Count == 1,
                $"{resource.Kind} '{resource.Metadata.Name}' was accepted but its rendered YAML is refused: {string.Join("; ", again.Errors)}");
        }
    }
}
