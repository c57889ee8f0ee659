namespace Postern.Agent.Tests.Infrastructure;

/// <summary>A short-named folder under /tmp (Unix socket paths are limited to 107 bytes), deleted at dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pa-" + Guid.NewGuid().ToString("N")[..10])).FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
