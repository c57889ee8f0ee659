namespace Postern.Sso;

/// <summary>
/// Where a connector's client secret is read from: a file or an environment variable on the server. The
/// resource names the place, never the secret, so that <c>postern get</c> and the store hold no secret.
/// </summary>
public sealed record ClientSecretSource
{
    private ClientSecretSource(string? file, string? environmentVariable)
    {
        File = file;
        EnvironmentVariable = environmentVariable;
    }

    /// <summary>An absolute path to a file holding the secret (a trailing newline is ignored).</summary>
    public string? File { get; }

    /// <summary>The name of an environment variable holding the secret.</summary>
    public string? EnvironmentVariable { get; }

    /// <summary>The secret is in the file at <paramref name="path"/>.</summary>
    public static ClientSecretSource FromFile(string path) => new(path, null);

    /// <summary>The secret is in the environment variable <paramref name="name"/>.</summary>
    public static ClientSecretSource FromEnvironment(string name) => new(null, name);

    /// <summary>Reads the secret; on failure <paramref name="error"/> says where it looked and what was wrong.</summary>
    public bool TryRead(Func<string, string?> environment, out string secret, out string error)
    {
        secret = "";
        error = "";
        string? value;
        if (File is { } path)
        {
            try
            {
                value = System.IO.File.ReadAllText(path).TrimEnd('\r', '\n');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error = $"cannot read the client secret file {path}: {e.Message}";
                return false;
            }
        }
        else
        {
            value = environment(EnvironmentVariable!);
            if (value is null)
            {
                error = $"the environment variable {EnvironmentVariable} that holds the client secret is not set";
                return false;
            }
        }

        if (value.Length == 0)
        {
            error = $"the client secret in {this} is empty";
            return false;
        }

        secret = value;
        return true;
    }

    /// <summary>Where the secret is, for messages: <c>file /etc/…</c> or <c>environment variable NAME</c>.</summary>
    public override string ToString() => File is { } path ? $"file {path}" : $"environment variable {EnvironmentVariable}";
}
