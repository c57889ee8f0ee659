using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Postern.Admin.Api;

/// <summary>The body of <c>POST /v1/admin/authorities/TYPE/rotate</c> (<c>postern ca rotate</c>); answered with a <see cref="RotationAnswer"/>.</summary>
/// <param name="Grace">How long each phase lasts, such as <c>30m</c>; left out, the default.</param>
/// <param name="Manual">Each step is taken by hand with <paramref name="Phase"/>.</param>
/// <param name="Phase">With <paramref name="Manual"/>: the phase to move to now.</param>
/// <param name="Rollback">Undo the rotation under way.</param>
public sealed record RotateAuthorityRequest(
    [property: JsonPropertyName("grace")] string? Grace = null,
    [property: JsonPropertyName("manual")] bool Manual = false,
    [property: JsonPropertyName("phase")] string? Phase = null,
    [property: JsonPropertyName("rollback")] bool Rollback = false)
{
    /// <summary>Reads the body; on failure <paramref name="error"/> says what to change.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, [NotNullWhen(true)] out RotateAuthorityRequest? request, [NotNullWhen(false)] out string? error) =>
        AdminApiJson.TryRead(json, AdminApiJsonContext.Default.RotateAuthorityRequest, static _ => null, out request, out error);
}
