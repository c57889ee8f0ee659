using System.Text.Json;
using System.Text.Json.Nodes;
using Postern.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Postern.Resources;

/// <summary>Resources as the store keeps them: JSON (with a user's password hash), at <c>/&lt;kind&gt;s/&lt;name&gt;</c>.</summary>
public static class ResourceJson
{
    /// <summary>The stored form of <paramref name="resource"/>.</summary>
    public static byte[] Serialize(Resource resource) => JsonSerializer.SerializeToUtf8Bytes(ResourceWriter.ToNode(resource, withSecrets: true));

    /// <summary>The resource of <paramref name="kind"/> stored as <paramref name="json"/>; <c>null</c> when it is not one.</summary>
    public static Resource? Deserialize(string kind, ReadOnlySpan<byte> json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }

        if (root is not JsonObject || root["kind"]?.GetValueKind() != JsonValueKind.String || root["kind"]!.GetValue<string>() != kind)
        {
            return null;
        }

        var resource = ResourceReader.Read(new YamlCursor(), ToYaml(root), stored: true);
        return resource?.Kind == kind ? resource : null;
    }

    /// <summary>Where the resource named <paramref name="name"/> of <paramref name="kind"/> is stored.</summary>
    public static string StoreKey(string kind, string name) => Prefix(kind) + name;

    /// <summary>The store prefix of every resource of <paramref name="kind"/>.</summary>
    public static string Prefix(string kind) => kind switch
    {
        ResourceKinds.Role => "/roles/",
        ResourceKinds.App => "/apps/",
        ResourceKinds.User => "/users/",
        ResourceKinds.WorkloadIdentity => "/workload_identities/",
        ResourceKinds.Bot => "/bots/",
        ResourceKinds.Oidc => "/connectors/oidc/",
        ResourceKinds.TrustDomainFederation => "/trust_domain_federations/",
        _ => throw new ArgumentException($"unknown resource kind '{kind}'", nameof(kind)),
    };

    private static YamlNode ToYaml(JsonNode? node) => node switch
    {
        JsonObject map => new YamlMappingNode(map.Select(p => KeyValuePair.Create<YamlNode, YamlNode>(new YamlScalarNode(p.Key), ToYaml(p.Value)))),
        JsonArray list => new YamlSequenceNode(list.Select(ToYaml)),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => new YamlScalarNode(value.GetValue<string>()) { Style = ScalarStyle.DoubleQuoted },
        null => new YamlScalarNode("null"),
        _ => new YamlScalarNode(node.ToJsonString()),
    };
}
