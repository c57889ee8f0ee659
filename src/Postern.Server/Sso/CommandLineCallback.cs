using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Postern.Server.Sessions;

namespace Postern.Server.Sso;

/// <summary>
/// Where an SSO sign-in started by <c>postern login --sso</c> ends: the command's own listener on the loopback
/// (<c>http://127.0.0.1:PORT/…</c>, <c>http://[::1]:PORT/…</c> or <c>http://localhost:PORT/…</c>), the command's
/// <c>state</c> to send back, and the challenge the code is bound to. Parsed once from the start's query and trusted
/// afterwards; a target anywhere else is refused, since the code sent there is a credential.
/// </summary>
internal sealed record CommandLineCallback(Uri Redirect, string State, string Challenge)
{
    public const string RedirectParameter = "client_redirect";
    public const string StateParameter = "client_state";
    public const string ChallengeParameter = "code_challenge";

    private static readonly string[] LoopbackHosts = ["127.0.0.1", "[::1]", "localhost"];

    /// <summary>
    /// Reads the callback from the three values (all absent: a sign-in for the browser, <paramref name="callback"/>
    /// <c>null</c> and <c>true</c>); <c>false</c> with <paramref name="error"/> saying what is wrong.
    /// </summary>
    public static bool TryParse(string? redirect, string? state, string? challenge, out CommandLineCallback? callback, [NotNullWhen(false)] out string? error)
    {
        callback = null;
        error = null;
        if (string.IsNullOrEmpty(redirect) && string.IsNullOrEmpty(state) && string.IsNullOrEmpty(challenge))
        {
            return true;
        }

        if (!IsLoopback(redirect, out error))
        {
            error = $"{RedirectParameter}: {error}";
            return false;
        }

        if (state is not { Length: >= 16 and <= 128 } || !state.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            error = $"{StateParameter}: 16 to 128 base64url characters are required";
            return false;
        }

        if (!ClientLoginChallenge.IsWellFormed(challenge))
        {
            error = $"{ChallengeParameter}: the SHA-256 of the verifier, base64url without padding (43 characters), is required";
            return false;
        }

        callback = new CommandLineCallback(new Uri(redirect!), state, challenge!);
        return true;
    }

    /// <summary>The callback as kept in the sign-in's protected properties, or <c>null</c>.</summary>
    public static CommandLineCallback? From(IDictionary<string, string?>? items) =>
        items is not null && items.TryGetValue(RedirectParameter, out var redirect) && redirect is not null
        && items.TryGetValue(StateParameter, out var state) && items.TryGetValue(ChallengeParameter, out var challenge)
        && TryParse(redirect, state, challenge, out var callback, out _)
            ? callback
            : null;

    /// <summary>Keeps the callback in the sign-in's protected properties.</summary>
    public void Keep(IDictionary<string, string?> items)
    {
        items[RedirectParameter] = Redirect.OriginalString;
        items[StateParameter] = State;
        items[ChallengeParameter] = Challenge;
    }

    /// <summary>The address the browser is sent to with <paramref name="code"/>.</summary>
    public string With(string code) =>
        $"{Redirect.OriginalString}?code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(State)}";

    private static bool IsLoopback(string? text, [NotNullWhen(false)] out string? error)
    {
        error = "an http URL on the loopback with a port (http://127.0.0.1:PORT/…, http://[::1]:PORT/… or http://localhost:PORT/…) is required";
        if (text is not { Length: > 0 and <= 512 } || !text.StartsWith("http://", StringComparison.Ordinal) || text.Any(char.IsControl)
            || !Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            return false;
        }

        // The host and port are read from the text as written, not as Uri resolves them, so that `user@host`, a
        // backslash or a default port cannot make the two disagree.
        var authority = text["http://".Length..];
        var end = authority.IndexOfAny(['/', '?', '#', '\\']);
        authority = end < 0 ? authority : authority[..end];
        var colon = authority.LastIndexOf(':');
        if (colon <= 0 || !LoopbackHosts.Contains(authority[..colon], StringComparer.OrdinalIgnoreCase)
            || !int.TryParse(authority[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            error = $"'{text}' is not on the loopback: {error}";
            return false;
        }

        if (uri.Query.Length > 0 || uri.Fragment.Length > 0 || text.Contains('\\', StringComparison.Ordinal)
            || !string.Equals(uri.Host.Trim('[', ']'), authority[..colon].Trim('[', ']'), StringComparison.OrdinalIgnoreCase) || uri.Port != port)
        {
            error = $"'{text}' must be a plain address with a path and no query, fragment or backslash";
            return false;
        }

        error = null;
        return true;
    }
}
