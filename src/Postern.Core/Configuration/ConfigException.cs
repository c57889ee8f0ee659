namespace Postern.Configuration;

/// <summary>A configuration that cannot be used, with every problem found in it.</summary>
public sealed class ConfigException(string source, IReadOnlyList<ConfigError> errors)
    : Exception(Describe(source, errors))
{
    /// <summary>Every problem, in file order.</summary>
    public IReadOnlyList<ConfigError> Errors { get; } = errors;

    private static string Describe(string source, IReadOnlyList<ConfigError> errors) =>
        $"{source} has {errors.Count} error{(errors.Count == 1 ? "" : "s")}:{Environment.NewLine}  "
        + string.Join(Environment.NewLine + "  ", errors);
}
