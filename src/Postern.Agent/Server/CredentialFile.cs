using System.Text.Json;

namespace Postern.Agent.Server;

/// <summary><c>agent.json</c> in the data folder: the bot credential, written atomically with mode 0600.</summary>
internal sealed class CredentialFile(string dataDir)
{
    public const string FileName = "agent.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public string Path { get; } = System.IO.Path.Combine(dataDir, FileName);

    /// <summary>The stored credential for <paramref name="server"/>, or null when there is none, it is for another server, or it cannot be read.</summary>
    public BotCredential? Load(Uri server)
    {
        try
        {
            var stored = JsonSerializer.Deserialize<BotCredential>(File.ReadAllText(Path));
            return stored is not null && string.Equals(stored.Server, server.ToString(), StringComparison.Ordinal) ? stored : null;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Creates the data folder with mode 0700, or closes an existing one to 0700, and closes a stored credential to
    /// 0600: a folder made by hand, or a file copied in, may be open to others.
    /// </summary>
    public void Secure()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var folder = PrivateFolder.Create(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
        File.SetUnixFileMode(folder.FullName, PrivateFolder.Mode);
        if (File.Exists(Path))
        {
            File.SetUnixFileMode(Path, PrivateFile.Mode);
        }
    }

    public void Save(BotCredential credential) =>
        PrivateFile.Write(Path, JsonSerializer.Serialize(credential, Indented), overwrite: true);
}
