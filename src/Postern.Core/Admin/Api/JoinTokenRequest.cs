using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Postern.Admin.Api;

/// <summary>The body of <c>POST /v1/admin/bots/NAME/tokens</c> (<c>postern bots token</c>), which may be left out; answered with a <see cref="JoinTokenIssued"/>.</summary>
/// <param name="Labels">Labels of the join token.</param>
/// <param name="Agent">The join token is an agent's: its credential may present attested workload attributes (<c>--agent</c>).</param>
/// <param name="Ttl">How long the join token stays valid; left out, the default.</param>
public sealed record JoinTokenRequest(
    [property: JsonPropertyName("labels")] IReadOnlyDictionary<string, string>? Labels = null,
    [property: JsonPropertyName("ttl")] string? Ttl = null,
    [property: JsonPropertyName("agent"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Agent = null)
{
    /// <summary>Reads the body (an empty one is a request with nothing set); on failure <paramref name="error"/> says what to change.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, [NotNullWhen(true)] out JoinTokenRequest? request, [NotNullWhen(false)] out string? error)
    {
        if (json.IsEmpty)
        {
            (request, error) = (new JoinTokenRequest(), null);
            return true;
        }

        return AdminApiJson.TryRead(json, AdminApiJsonContext.Default.JoinTokenRequest, r => AdminApiJson.NullIn(labels: r.Labels), out request, out error);
    }
}
