using Microsoft.Extensions.Logging;

namespace Postern.Server;

/// <summary>What the embedding process (the CLI, or a test) decides about the server.</summary>
public sealed record PosternHostOptions
{
    /// <summary>The clock; tests move a fake one.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Reads environment variables (<c>POSTERN_KEK</c>); tests pass their own.</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>Run the built-in demo application and (re)set the <c>admin</c> user's password; see <see cref="PosternHost.Demo"/>.</summary>
    public bool Demo { get; init; }

    /// <summary>Configures logging; the default logs to the console.</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }
}
