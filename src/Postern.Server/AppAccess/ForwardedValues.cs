namespace Postern.Server.AppAccess;

/// <summary>
/// The <c>X-Forwarded-*</c> values Postern sends an app: the client address it vouches for (<c>null</c> when the
/// connection has none), and the app's public host, scheme and port as browsers reach it.
/// </summary>
internal sealed record ForwardedValues(string? For, string Host, string Proto, string Port);
