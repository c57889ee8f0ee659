using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Postern.Audit;

/// <summary>One recorded event: its type, when it happened, a unique sortable id, and its fields.</summary>
public sealed record AuditEvent(string Type, DateTimeOffset Time, string Id, JsonObject Fields)
{
    private static readonly string[] Reserved = ["type", "time", "id"];

    /// <summary>Each thread's buffer and writer for <see cref="ToUtf8"/>: a line is about 1 KB, written once per event.</summary>
    [ThreadStatic]
    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)? t_line;

    /// <summary>
    /// The event as one line of JSON: <c>type</c>, <c>time</c> (RFC 3339, UTC) and <c>id</c> first, then the
    /// event's own fields.
    /// </summary>
    public string ToJsonLine() => Encoding.UTF8.GetString(ToUtf8());

    /// <summary>The line of <see cref="ToJsonLine"/> as UTF-8, written straight from the fields into a buffer kept for the thread.</summary>
    public byte[] ToUtf8()
    {
        t_line ??= (new ArrayBufferWriter<byte>(4096), new Utf8JsonWriter(Stream.Null));
        var (buffer, writer) = t_line.Value;
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        writer.WriteStartObject();
        writer.WriteString("type", Type);
        writer.WriteString("time", Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
        writer.WriteString("id", Id);
        foreach (var (name, value) in Fields)
        {
            if (Array.IndexOf(Reserved, name) >= 0)
            {
                continue;
            }

            writer.WritePropertyName(name);
            if (value is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                value.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
        writer.Flush();

        var line = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > 64 * 1024)
            t_line = null; // an unusually large event: its buffer is not kept
        return line;
    }

    /// <summary>Reads a line written by <see cref="ToJsonLine"/>; <c>null</c> when it is not one.</summary>
    public static AuditEvent? Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            if (JsonNode.Parse(json) is not JsonObject line
                || line["type"]?.GetValueKind() != JsonValueKind.String
                || line["id"]?.GetValueKind() != JsonValueKind.String
                || !DateTimeOffset.TryParse(line["time"]?.GetValueKind() == JsonValueKind.String ? line["time"]!.GetValue<string>() : null, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            {
                return null;
            }

            var type = line["type"]!.GetValue<string>();
            var id = line["id"]!.GetValue<string>();
            foreach (var name in Reserved)
            {
                line.Remove(name);
            }

            return new AuditEvent(type, time, id, line);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            // Not JSON; or JSON whose strings are not UTF-8 (read lazily: the reads throw InvalidOperationException);
            // or an object that names a member twice (ArgumentException), which no event does.
            return null;
        }
    }
}
