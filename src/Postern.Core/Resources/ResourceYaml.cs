using System.Text.Json;
using System.Text.Json.Nodes;
using Postern.Configuration;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace Postern.Resources;

/// <summary>Resources as people write them: YAML, one or more documents separated by <c>---</c>.</summary>
public static class ResourceYaml
{
    private static readonly ISerializer Serializer = new SerializerBuilder().Build();

    /// <summary>
    /// Every resource in <paramref name="yaml"/>, or every problem, each naming <paramref name="source"/>, the
    /// document and the path (<c>roles.yaml (document 2): spec.allow.app_labels: expected a mapping</c>).
    /// </summary>
    public static ResourceParseResult Parse(string yaml, string source)
    {
        if (!YamlText.TryLoad(yaml, out var stream, out var unreadable))
        {
            return new ResourceParseResult([], [$"{source}: {unreadable}"]);
        }

        var resources = new List<Resource>();
        var errors = new List<string>();
        var documents = stream.Documents.Where(d => d.RootNode is not YamlScalarNode { Value: null or "" }).ToList();
        for (var i = 0; i < documents.Count; i++)
        {
            var cursor = new YamlCursor();
            var resource = ResourceReader.Read(cursor, documents[i].RootNode, stored: false);
            var where = documents.Count == 1 ? source : $"{source} (document {i + 1})";
            errors.AddRange(cursor.Errors.Select(e => $"{where}: {e}"));
            if (resource is not null)
            {
                resources.Add(resource);
            }
        }

        if (documents.Count == 0)
        {
            errors.Add($"{source}: holds no resource");
        }

        return new ResourceParseResult(resources, errors);
    }

    /// <summary>The resource as YAML that <see cref="Parse"/> reads back; a user's secrets are left out.</summary>
    public static string Render(Resource resource) => Serializer.Serialize(ToPlain(ResourceWriter.ToNode(resource, withSecrets: false)));

    private static object? ToPlain(JsonNode? node) => node switch
    {
        JsonObject map => map.ToDictionary(p => p.Key, p => ToPlain(p.Value)),
        JsonArray list => list.Select(ToPlain).ToList(),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False => value.GetValue<bool>(),
        null => null,
        _ => node.ToJsonString(),
    };
}
