using Microsoft.Extensions.Logging;

namespace Postern.Server.Demo;

/// <summary>How the demo app checks the assertions it receives.</summary>
internal sealed record DemoAppOptions
{
    /// <summary>Postern's app access key set.</summary>
    public required Uri JwksUri { get; init; }

    /// <summary>The expected <c>iss</c>: Postern's cluster name.</summary>
    public required string Issuer { get; init; }

    /// <summary>The handler that fetches the key set (one that trusts Postern's self-signed certificate); the default when null.</summary>
    public HttpMessageHandler? JwksHandler { get; init; }

    /// <summary>The clock tokens are checked against.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Logging for the demo's own host; none when null.</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }
}
