using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Postern.WorkloadIdentity.Api;

/// <summary>The body of <see cref="WorkloadApiPaths.Join"/>: <c>{"token":"…"}</c>, or <c>{"token":"…","agent":true}</c> from an agent.</summary>
/// <param name="Token">The one-time join token that <c>postern bots add</c> printed.</param>
/// <param name="Agent">
/// Sent by <c>postern agent</c>: join only if the token is an agent's (<c>--agent</c>); a script's token is refused and
/// left unused, so the operator can make the right one without losing it.
/// </param>
public sealed record JoinRequest(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("agent"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Agent = false)
{
    /// <summary>Reads a join request from a request body; on failure <paramref name="error"/> says what to change.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, [NotNullWhen(true)] out JoinRequest? request, [NotNullWhen(false)] out string? error)
    {
        request = null;
        if (!WorkloadApiJson.TryRead(json, WorkloadApiJsonContext.Default.JoinRequest, static path => WorkloadApiJson.MemberOf(path) == "agent" ? "agent: expected true or false" : Required, out var read, out error))
        {
            return false;
        }

        if (string.IsNullOrEmpty(read.Token))
        {
            error = Required;
            return false;
        }

        request = read;
        return true;
    }

    private const string Required = "token: the join token is required";
}
