using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Postern.Configuration;

/// <summary>
/// Reads typed values out of a YAML node tree while collecting every error with its path,
/// so that a configuration reports all of its problems at once.
/// </summary>
internal sealed class YamlCursor
{
    private readonly List<ConfigError> _errors = [];

    public IReadOnlyList<ConfigError> Errors => _errors;

    public void Error(string path, string message) => _errors.Add(new ConfigError(path, message));

    /// <summary>The mapping's entries, after reporting keys that are not in <paramref name="known"/>.</summary>
    public Dictionary<string, YamlNode>? Mapping(YamlNode? node, string path, params string[] known)
    {
        if (node is null || IsNull(node))
        {
            return null;
        }

        if (node is not YamlMappingNode mapping)
        {
            Error(path, $"expected a mapping, found {Describe(node)}");
            return null;
        }

        var entries = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = keyNode is YamlScalarNode scalar ? scalar.Value ?? "" : "";
            var at = Join(path, key);
            if (known.Length > 0 && Array.IndexOf(known, key) < 0)
            {
                Error(at, $"unknown field (expected one of: {string.Join(", ", known)})");
            }
            else if (!entries.TryAdd(key, value))
            {
                Error(at, "appears twice");
            }
        }

        return entries;
    }

    public string? String(Dictionary<string, YamlNode>? map, string key, string path)
    {
        if (map is null || !map.TryGetValue(key, out var node) || IsNull(node))
        {
            return null;
        }

        if (node is YamlScalarNode scalar)
        {
            return scalar.Value;
        }

        Error(Join(path, key), $"expected a string, found {Describe(node)}");
        return null;
    }

    public bool? Bool(Dictionary<string, YamlNode>? map, string key, string path)
    {
        var text = String(map, key, path);
        switch (text)
        {
            case null:
                return null;
            case "true":
                return true;
            case "false":
                return false;
            default:
                Error(Join(path, key), $"expected true or false, found '{text}'");
                return null;
        }
    }

    public int? Integer(Dictionary<string, YamlNode>? map, string key, string path)
    {
        var text = String(map, key, path);
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        Error(Join(path, key), $"expected a whole number, found '{text}'");
        return null;
    }

    public IReadOnlyList<YamlNode> Sequence(Dictionary<string, YamlNode>? map, string key, string path)
    {
        if (map is null || !map.TryGetValue(key, out var node) || IsNull(node))
        {
            return [];
        }

        if (node is YamlSequenceNode sequence)
        {
            return sequence.Children.ToList();
        }

        Error(Join(path, key), $"expected a list, found {Describe(node)}");
        return [];
    }

    public IReadOnlyList<string> Strings(Dictionary<string, YamlNode>? map, string key, string path)
    {
        var result = new List<string>();
        var items = Sequence(map, key, path);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is YamlScalarNode { Value: { } value } && !IsNull(items[i]))
            {
                result.Add(value);
            }
            else
            {
                Error($"{Join(path, key)}[{i}]", $"expected a string, found {Describe(items[i])}");
            }
        }

        return result;
    }

    public Dictionary<string, string> StringMap(Dictionary<string, YamlNode>? map, string key, string path)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var at = Join(path, key);
        var entries = map is not null && map.TryGetValue(key, out var node) ? Mapping(node, at) : null;
        foreach (var (name, value) in entries ?? [])
        {
            if (value is YamlScalarNode { Value: { } text } && !IsNull(value))
            {
                result[name] = text;
            }
            else
            {
                Error(Join(at, name), $"expected a string, found {Describe(value)}");
            }
        }

        return result;
    }

    public static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: not (YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted) } scalar
        && (scalar.Value is null or "" or "~" or "null");

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode scalar when IsNull(scalar) => "nothing",
        YamlScalarNode scalar => $"'{scalar.Value}'",
        _ => "an unknown node",
    };
}
