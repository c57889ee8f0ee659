using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Postern.Cli.Commands;

/// <summary>
/// Prints an answer of the admin API in the format asked for: the JSON as the server sent it, the same fields as YAML, or
/// the command's own text.
/// </summary>
internal static class Listing
{
    public static async Task WriteAsync(TextWriter output, OutputFormat format, string json, Func<Task> text)
    {
        switch (format)
        {
            case OutputFormat.Json:
                await output.WriteLineAsync(json.TrimEnd('\n')).ConfigureAwait(false);
                break;
            case OutputFormat.Yaml:
                await output.WriteAsync(ToYaml(JsonNode.Parse(json))).ConfigureAwait(false);
                break;
            default:
                await text().ConfigureAwait(false);
                break;
        }
    }

    /// <summary><paramref name="node"/> as one YAML document; strings are quoted so that none reads back as another type.</summary>
    public static string ToYaml(JsonNode? node)
    {
        var stream = new YamlStream(new YamlDocument(ToYamlNode(node)));
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        stream.Save(writer, assignAnchors: false);
        var text = writer.ToString();
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    /// <summary>Every document of a YAML stream (as <c>postern get</c> receives resources) as JSON: one object, or an array of them.</summary>
    public static JsonNode? FromYaml(string yaml, bool many)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var documents = stream.Documents.Select(d => FromYamlNode(d.RootNode)).ToArray();
        return many ? new JsonArray(documents) : documents.FirstOrDefault();
    }

    private static YamlNode ToYamlNode(JsonNode? node) => node switch
    {
        JsonObject o => new YamlMappingNode(o.Select(p => new KeyValuePair<YamlNode, YamlNode>(new YamlScalarNode(p.Key), ToYamlNode(p.Value)))),
        JsonArray a => new YamlSequenceNode(a.Select(ToYamlNode)),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => new YamlScalarNode(v.GetValue<string>()) { Style = YamlDotNet.Core.ScalarStyle.DoubleQuoted },
        null => new YamlScalarNode("null"),
        _ => new YamlScalarNode(node.ToJsonString()),
    };

    private static JsonNode? FromYamlNode(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(p => KeyValuePair.Create(((YamlScalarNode)p.Key).Value!, FromYamlNode(p.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(FromYamlNode)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is YamlDotNet.Core.ScalarStyle.Plain)
        {
            if (text is "null" or "~" or "")
            {
                return null;
            }

            if (text is "true" or "false")
            {
                return JsonValue.Create(text == "true");
            }

            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                return JsonValue.Create(number);
            }
        }

        return JsonValue.Create(text);
    }
}
