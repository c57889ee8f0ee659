using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Postern.WorkloadIdentity.Api;

/// <summary>Reading a request body of the workload identity API into its record, with the API's error messages.</summary>
internal static class WorkloadApiJson
{
    public const string NotAnObject = "the request body is not a JSON object";

    /// <summary>
    /// Reads <paramref name="json"/> as a <typeparamref name="T"/>. Refused, with <paramref name="error"/>: a body
    /// that is not one well-formed JSON object; a member <typeparamref name="T"/> does not have (named, with those it
    /// has); a member whose value cannot be read, with the message <paramref name="problemAt"/> gives for its JSON path.
    /// </summary>
    public static bool TryRead<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> info, Func<string, string> problemAt, [NotNullWhen(true)] out T? value, [NotNullWhen(false)] out string? error)
        where T : class
    {
        value = null;
        if (!IsOneObject(json))
        {
            error = NotAnObject;
            return false;
        }

        try
        {
            value = JsonSerializer.Deserialize(json, info);
        }
        catch (JsonException e)
        {
            var path = e.Path ?? "$";
            var member = MemberOf(path);
            var known = info.Properties.Select(p => p.Name).ToList();
            error = member is not null && !known.Contains(member)
                ? $"unknown field '{member}' (expected: {string.Join(", ", known)})"
                : problemAt(path);
            return false;
        }

        error = value is null ? NotAnObject : null;
        return value is not null;
    }

    /// <summary>The top-level member a JSON path is in (<c>$.a.b</c>, <c>$.a[0]</c>, <c>$['a.b']</c>), or <c>null</c> for the root.</summary>
    public static string? MemberOf(string path)
    {
        if (path.StartsWith("$['", StringComparison.Ordinal))
        {
            var end = path.IndexOf("']", 3, StringComparison.Ordinal);
            return end < 0 ? path[3..] : path[3..end];
        }

        if (!path.StartsWith("$.", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = path.AsSpan(2);
        var stop = rest.IndexOfAny('.', '[');
        return (stop < 0 ? rest : rest[..stop]).ToString();
    }

    /// <summary>Whether <paramref name="json"/> is one well-formed JSON object and nothing else.</summary>
    private static bool IsOneObject(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            return reader.Read() && reader.TokenType == JsonTokenType.StartObject && reader.TrySkip() && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
