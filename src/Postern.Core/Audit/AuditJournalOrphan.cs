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

    /// <summary>
    /// The events it holds, each a line of JSON, in order: up to the first byte of zeros, line without its newline or
    /// line that is not an event (what a crash cut short was never acknowledged).
    /// </summary>
    public IReadOnlyList<byte[]> ReadEvents()
    {
        var bytes = new byte[_file.Length];
        _file.Position = 0;
        _file.ReadExactly(bytes);
        var events = new List<byte[]>();
        var rest = bytes.AsSpan();
        while (rest.Length > 0 && rest[0] != 0)
        {
            var end = rest.IndexOf((byte)'\n');
            if (end < 0)
                break;
            var line = rest[..end];
            if (line.Contains((byte)0) || AuditEvent.Parse(line) is null)
                break;
            events.Add(line.ToArray());
            rest = rest[(end + 1)..];
        }

        return events;
    }

    /// <summary>Deletes the segment (its events are in the store).</summary>
    public void Delete() => File.Delete(Path);

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();
}
