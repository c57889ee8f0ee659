using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Postern.Admin.Api;

/// <summary>The body of <c>POST /v1/admin/bots</c> (<c>postern bots add</c>); answered with a <see cref="JoinTokenIssued"/>.</summary>
/// <param name="Name">The bot's name.</param>
/// <param name="Roles">The bot's roles; at least one.</param>
/// <param name="Labels">Labels of the first join token (rules see them as <c>join.labels.KEY</c>).</param>
/// <param name="Agent">The join token is an agent's: its credential may present attested workload attributes (<c>--agent</c>).</param>
/// <param name="Ttl">How long the join token stays valid, such as <c>1h</c>; left out, the default.</param>
public sealed record AddBotRequest(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("roles")] IReadOnlyList<string>? Roles,
    [property: JsonPropertyName("labels")] IReadOnlyDictionary<string, string>? Labels = null,
    [property: JsonPropertyName("ttl")] string? Ttl = null,
    [property: JsonPropertyName("agent"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Agent = null)
{
    /// <summary>Reads the body; on failure <paramref name="error"/> says what to change.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, [NotNullWhen(true)] out AddBotRequest? request, [NotNullWhen(false)] out string? error) =>
        AdminApiJson.TryRead(json, AdminApiJsonContext.Default.AddBotRequest, r => AdminApiJson.NullIn(r.Roles, labels: r.Labels), out request, out error);
}
