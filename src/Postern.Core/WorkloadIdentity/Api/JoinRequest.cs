using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Postern.WorkloadIdentity.Api;

/// <summary>The body of <see cref="WorkloadApiPaths.Join"/>: <c>{"token":"…"}</c>.</summary>
/// <param name="Token">The one-time join token that <c>postern bots add</c> printed.</param>
public sealed record JoinRequest(string Token)
{
    /// <summary>Reads a join request from a request body; on failure <paramref name="error"/> says what to change.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, [NotNullWhen(true)] out JoinRequest? request, [NotNullWhen(false)] out string? error)
    {
        request = null;
        if (!WorkloadApiJson.TryRead(json, WorkloadApiJsonContext.Default.JoinRequest, static _ => Required, out var read, out error))
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
