using System.Text.Json.Serialization;

namespace Postern.Admin.Api;

/// <summary>The answer of <c>POST /v1/admin/resources</c> (<c>postern create -f</c>). <c>GET</c> answers YAML, <c>DELETE</c> 204 (a user: <see cref="UserRemoved"/>).</summary>
/// <param name="Written">Each resource written, as <c>kind/name</c>.</param>
public sealed record ResourcesWritten([property: JsonPropertyName("written")] IReadOnlyList<string> Written);
