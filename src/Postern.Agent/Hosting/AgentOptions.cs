using Microsoft.Extensions.Logging;
using Postern.Configuration;

namespace Postern.Agent;

/// <summary>How the agent runs: where the server is, how it joins, where it listens and keeps its credential.</summary>
public sealed record AgentOptions
{
    /// <summary>The Postern server's web address, e.g. <c>https://postern.example.com:3080</c>.</summary>
    public required Uri Server { get; init; }

    /// <summary>The one-time join token from <c>postern bots add</c>; not needed when the data folder holds a credential.</summary>
    public string? JoinToken { get; init; }

    /// <summary>The path of the Workload API's Unix socket.</summary>
    public required string SocketPath { get; init; }

    /// <summary>Where the agent keeps its bot credential (<c>agent.json</c>, mode 0600).</summary>
    public required string DataDir { get; init; }

    /// <summary>How often the agent asks the server for the policy revision and the key set.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between retries while the server is unreachable.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one call to the server may take.</summary>
    public TimeSpan ServerTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The most cache entries (one per workload and audience set) kept; past it the oldest goes.</summary>
    public int CacheCapacity { get; init; } = 10_000;

    /// <summary>A PEM certificate to trust for the server's TLS (e.g. its self-signed certificate).</summary>
    public string? CaFile { get; init; }

    /// <summary>Accept any server certificate. For a self-signed test server only.</summary>
    public bool InsecureSkipServerCertificateCheck { get; init; }

    /// <summary>Sends the agent's requests to the server instead of a socket handler (tests); the caller disposes it.</summary>
    public HttpMessageHandler? ServerHandler { get; init; }

    /// <summary>Files for programs that do not speak the Workload API (<c>--output-dir</c>); <c>null</c>, the default, for none.</summary>
    public FileOutputOptions? Outputs { get; init; }

    /// <summary>The clock; tests move a fake one.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The diagnostic listener (<c>--diag-addr</c>): <c>/metrics</c>, <c>/healthz</c>, <c>/readyz</c> over HTTP; <c>null</c>, the default, for none.</summary>
    public DiagAddr? DiagAddr { get; init; }

    /// <summary>How the default console logging writes (<c>--log-format</c>); ignored with <see cref="ConfigureLogging"/>.</summary>
    public LogConfig Log { get; init; } = new();

    /// <summary>Configures logging; the default logs to the console as <see cref="Log"/> says.</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }
}
