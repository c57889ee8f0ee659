using System.Globalization;
using System.Text.Json;

namespace Postern.Storage;

/// <summary>The searchable columns of an audit event's line of JSON, read from its top-level members.</summary>
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
}
