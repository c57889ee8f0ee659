using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Postern.Server.Admin;

/// <summary>
/// The credential of the admin commands (<c>postern users</c>, <c>create</c>, <c>lock</c>, …): a random
/// token in <c>data_dir/admin.json</c> (mode 0600) beside the address the server listens on, as the
/// reference system's admin tool finds its auth server on the same host. The token survives restarts;
/// the address is rewritten at every start.
/// </summary>
internal sealed class AdminCredential
{
    public const string FileName = "admin.json";

    private readonly string _path;
    private readonly string _token;
    private readonly byte[] _tokenHash;

    private AdminCredential(string path, string token)
    {
        _path = path;
        _token = token;
        _tokenHash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    /// <summary>The credential in <paramref name="dataDir"/>, or a new one on first start (written by <see cref="Publish"/>).</summary>
    public static AdminCredential Open(string dataDir)
    {
        var path = Path.Combine(dataDir, FileName);
        var token = File.Exists(path) && TryRead(File.ReadAllText(path), out var existing) ? existing.Token : Sessions.SessionKeys.NewToken();
        return new AdminCredential(path, token);
    }

    /// <summary>Writes the token and the address the server now listens on, for the admin commands.</summary>
    public void Publish(Uri server) =>
        Postern.PrivateFile.Write(_path, JsonSerializer.Serialize(new AdminFile(server.ToString().TrimEnd('/'), _token)) + "\n", overwrite: true);

    /// <summary>Whether <paramref name="presented"/> is the admin token, compared in constant time.</summary>
    public bool Matches(string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), _tokenHash);

    public static bool TryRead(string json, out AdminFile file)
    {
        try
        {
            file = JsonSerializer.Deserialize<AdminFile>(json)!;
            return file is { Server.Length: > 0, Token.Length: > 0 };
        }
        catch (JsonException)
        {
            file = null!;
            return false;
        }
    }

    /// <summary>The file's content.</summary>
    internal sealed record AdminFile(
        [property: System.Text.Json.Serialization.JsonPropertyName("server")] string Server,
        [property: System.Text.Json.Serialization.JsonPropertyName("token")] string Token);
}
