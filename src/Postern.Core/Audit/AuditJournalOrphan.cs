namespace Postern.Audit;

/// <summary>
/// A journal segment that no open journal holds (its process died, or stopped with the store failing), locked by the
/// log that recovers it: its events are read, what the store lacks is indexed, then the file is deleted.
/// </summary>
internal sealed class AuditJournalOrphan : IDisposable
{
    private readonly FileStream _file;

    private AuditJournalOrphan(string path, FileStream file)
    {
        Path = path;
        _file = file;
    }

    /// <summary>The segment's file.</summary>
    public string Path { get; }

    /// <summary>Locks the segment at <paramref name="path"/>; <c>null</c> when an open journal holds it (or it is gone).</summary>
    public static AuditJournalOrphan? TryClaim(string path)
    {
        try
        {
            return new AuditJournalOrphan(path, new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None, bufferSize: 0));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The events it holds, each a line of JSON, in order (<see cref="AuditJournal.ReadEvents"/>).</summary>
    public IReadOnlyList<byte[]> ReadEvents()
    {
        var bytes = new byte[_file.Length];
        _file.Position = 0;
        _file.ReadExactly(bytes);
        return AuditJournal.ReadEvents(bytes);
    }

    /// <summary>Deletes the segment (its events are in the store).</summary>
    public void Delete() => File.Delete(Path);

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();
}
