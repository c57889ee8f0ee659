using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Postern.Admin.Api;

/// <summary>The body of <c>POST /v1/admin/apps/{app}/doctor</c> (<c>postern doctor app</c>); answered with a <see cref="DoctorReport"/>.</summary>
/// <param name="User">Whose assertion the genuine probe carries; left out, the probe identity <c>postern-doctor</c> (no roles, no traits).</param>
/// <param name="Path">The path every probe asks for, starting with <c>/</c>: one the app serves only to a verified user. Default <c>/</c>.</param>
public sealed record DoctorRequest(
    [property: JsonPropertyName("user")] string? User = null,
    [property: JsonPropertyName("path")] string? Path = null)
{
    /// <summary>Reads the body; on failure <paramref name="error"/> says what to change.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, [NotNullWhen(true)] out DoctorRequest? request, [NotNullWhen(false)] out string? error) =>
        AdminApiJson.TryRead(json, AdminApiJsonContext.Default.DoctorRequest, static r => r.Path is { } path && (!path.StartsWith('/') || path.StartsWith("//", StringComparison.Ordinal))
            ? $"path: '{path}' must be a path on the app, starting with a single '/'"
            : null, out request, out error);
}
