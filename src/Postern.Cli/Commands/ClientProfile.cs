using System.Text.Json;
using System.Text.Json.Serialization;

namespace Postern.Cli.Commands;

/// <summary>
/// What <c>postern login</c> keeps in <c>~/.postern/profile.json</c> (<c>POSTERN_HOME</c> overrides the folder; the folder is
/// mode 0700, the file 0600): the server, the user, the client credential, when it ends, and the server certificate to
/// trust when one was given at login.
/// </summary>
internal sealed record ClientProfile(
    [property: JsonPropertyName("proxy")] string Proxy,
    [property: JsonPropertyName("user")] string User,
    [property: JsonPropertyName("roles")] IReadOnlyList<string> Roles,
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("expires")] DateTimeOffset Expires,
    [property: JsonPropertyName("ca_pem")] string? CaPem)
{
    public const string FileName = "profile.json";

    /// <summary>The folder of the profile: <c>POSTERN_HOME</c>, or <c>~/.postern</c>.</summary>
    public static string Folder =>
        Environment.GetEnvironmentVariable("POSTERN_HOME") is { Length: > 0 } home
            ? home
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".postern");

    public static string PathOf => Path.Combine(Folder, FileName);

    /// <summary>The stored profile, or <c>null</c> when there is none (or it is unreadable).</summary>
    public static ClientProfile? Load()
    {
        try
        {
            return File.Exists(PathOf) ? JsonSerializer.Deserialize<ClientProfile>(File.ReadAllText(PathOf)) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Save()
    {
        Directory.CreateDirectory(Folder);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        Postern.PrivateFile.Write(PathOf, JsonSerializer.Serialize(this) + "\n", overwrite: true);
    }

    public static void Delete()
    {
        if (File.Exists(PathOf))
        {
            File.Delete(PathOf);
        }
    }
}
