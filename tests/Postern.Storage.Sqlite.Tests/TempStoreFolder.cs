namespace Postern.Storage.Sqlite.Tests;

/// <summary>A folder of its own for one test's database files, deleted with everything in it afterwards.</summary>
internal sealed class TempStoreFolder : IDisposable
{
    public TempStoreFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "postern-store-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>The main database file's path in this folder.</summary>
    public string Database => System.IO.Path.Combine(Path, "postern.db");

    public void Dispose()
    {
        if (Directory.Exists(Path))
            Directory.Delete(Path, recursive: true);
    }
}
