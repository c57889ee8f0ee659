namespace Postern.Agent;

/// <summary>
/// What the agent writes for programs that do not speak the Workload API (as spiffe-helper does): the agent's own
/// X.509-SVID, its key and the bundle, and a JWT-SVID per audience, renewed before half their life.
/// </summary>
public sealed record FileOutputOptions
{
    /// <summary>The folder of <c>svid.pem</c>, <c>svid_key.pem</c>, <c>bundle.pem</c> and <c>jwt_svid.&lt;audience&gt;.token</c> (created 0700 when missing).</summary>
    public required string Folder { get; init; }

    /// <summary>The audiences of the JWT-SVIDs to write, one file each; none for X.509 files only.</summary>
    public IReadOnlyList<string> Audiences { get; init; } = [];

    /// <summary>A command run with <c>/bin/sh -c</c> after each change of the files; <c>null</c> for none.</summary>
    public string? OnChange { get; init; }

    /// <summary>A signal sent after each change of the files (after <see cref="OnChange"/>) to the process in its pid file; <c>null</c> for none.</summary>
    public ChangeSignal? OnChangeSignal { get; init; }

    /// <summary>The file name of <paramref name="audience"/>'s token: <c>jwt_svid.&lt;audience&gt;.token</c>, each character outside <c>A-Za-z0-9._-</c> as <c>_</c>.</summary>
    public static string TokenFileName(string audience) =>
        "jwt_svid." + string.Concat(audience.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_')) + ".token";
}
