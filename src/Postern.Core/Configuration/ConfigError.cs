namespace Postern.Configuration;

/// <summary>One problem in a configuration file, at a path such as <c>apps[2].uri</c>.</summary>
public sealed record ConfigError(string Path, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => Path.Length == 0 ? Message : $"{Path}: {Message}";
}
