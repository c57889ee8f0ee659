using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Postern.Admin.Api;

/// <summary>
/// The body of <c>POST /v1/client/sso/exchange</c> (<c>postern login --sso</c>): the one-time code the browser brought to
/// the command's loopback callback, and the verifier whose challenge the command sent when the sign-in started.
/// Answered with a <see cref="ClientLogin"/>.
/// </summary>
/// <param name="Code">The one-time code.</param>
/// <param name="Verifier">The verifier, kept by the command and never shown to the browser.</param>
public sealed record ClientCodeExchange(
    [property: JsonPropertyName("code")] string? Code,
    [property: JsonPropertyName("verifier")] string? Verifier)
{
    /// <summary>Reads the body; on failure <paramref name="error"/> says what to change.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, [NotNullWhen(true)] out ClientCodeExchange? request, [NotNullWhen(false)] out string? error) =>
        AdminApiJson.TryRead(json, AdminApiJsonContext.Default.ClientCodeExchange,
            static r => string.IsNullOrEmpty(r.Code) ? "code: required" : string.IsNullOrEmpty(r.Verifier) ? "verifier: required" : null,
            out request, out error);
}
