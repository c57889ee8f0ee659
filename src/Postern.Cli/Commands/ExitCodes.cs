namespace Postern.Cli.Commands;

/// <summary>The process exit codes of <c>postern</c>.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The command ran and the answer is "no" (e.g. a token was rejected), or the server failed.</summary>
    public const int Failed = 1;

    /// <summary>The command line or the configuration is wrong.</summary>
    public const int Usage = 2;

    /// <summary>The server refused the credential: not logged in, the login ended, or the admin.json token is wrong.</summary>
    public const int NotSignedIn = 3;

    /// <summary>The server refused the request: the caller's role rules do not allow it (403).</summary>
    public const int Forbidden = 4;
}
