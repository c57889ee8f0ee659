using System.Globalization;
using System.Text.Json;

namespace Postern.Storage;

/// <summary>
/// The searchable columns of an audit event's line of JSON, read from its top-level members. The actor column holds
/// the actor's name: the <c>name</c> of an <c>actor: {kind, name}</c> object, or a string <c>actor</c> as it is.
/// </summary>
internal readonly record struct AuditLine(long Time, string Type, string? Actor, string? Jti, string Id)
{
    /// <summary>Reads <paramref name="line"/>; throws <see cref="ArgumentException"/> naming what is missing when it is no audit event.</summary>
    public static AuditLine Read(ReadOnlySpan<byte> line, string parameterName)
    {
        string? type = null, id = null, actor = null, jti = null, time = null;
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw new ArgumentException("an audit event must be a JSON object", parameterName);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                if (name == "actor" && reader.TokenType == JsonTokenType.StartObject)
                {
                    actor = ActorName(ref reader);
                    continue;
                }

                if (reader.TokenType != JsonTokenType.String)
                {
                    reader.Skip();
                    continue;
                }

                switch (name)
                {
                    case "type": type = reader.GetString(); break;
                    case "id": id = reader.GetString(); break;
                    case "time": time = reader.GetString(); break;
                    case "actor": actor = reader.GetString(); break;
                    case "jti": jti = reader.GetString(); break;
                }
            }
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"an audit event must be one JSON object: {e.Message}", parameterName, e);
        }

        if (type is null || id is null || !DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            throw new ArgumentException("an audit event needs the string members type, id and time", parameterName);
        return new AuditLine(at.ToUnixTimeMilliseconds(), type, actor, jti, id);
    }

    /// <summary>The string <c>name</c> member of the actor object the reader is at; leaves the reader at its end.</summary>
    private static string? ActorName(ref Utf8JsonReader reader)
    {
        string? found = null;
        var depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth + 1 && reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    found = reader.GetString();
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }
        }

        return found;
    }
}
