namespace Postern.Audit;

/// <summary>
/// One file of an <see cref="AuditJournal"/>, open for writing under an exclusive lock. It is made under a temporary
/// name and renamed once locked, so that no other process can take a new segment for one a crash left.
/// </summary>
internal sealed class AuditJournalSegment
{
    private readonly FileStream _file;
    private long _zeroedEnd;
    private int _deleted;

    private AuditJournalSegment(string path, FileStream file)
    {
        Path = path;
        _file = file;
    }

    /// <summary>The segment's file.</summary>
    public string Path { get; }

    /// <summary>How many bytes of events it holds (read by the indexer; written by the one writer).</summary>
    public long Written => Volatile.Read(ref _written);

    private long _written;

    /// <summary>Whether no more events will be written to it.</summary>
    public bool Closed => Volatile.Read(ref _closed) != 0;

    private int _closed;

    /// <summary>Creates a segment in <paramref name="folder"/>, owner-only, and locks it.</summary>
    public static AuditJournalSegment Create(string folder)
    {
        var name = AuditJournal.NewName();
        var temporary = System.IO.Path.Combine(folder, name + ".new");
        var path = System.IO.Path.Combine(folder, name + AuditJournal.Suffix);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.None, BufferSize = 0 };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var file = new FileStream(temporary, options);
        try
        {
            File.Move(temporary, path);
            AuditJournal.SyncFolder(folder); // the new name survives a power loss along with what is written under it
        }
        catch
        {
            file.Dispose();
            File.Delete(temporary);
            throw;
        }

        return new AuditJournalSegment(path, file);
    }

    /// <summary>Writes <paramref name="bytes"/> after the events it holds and makes them durable.</summary>
    public void Write(ReadOnlySpan<byte> bytes, int extendBytes)
    {
        var handle = _file.SafeFileHandle;
        var end = _written + bytes.Length;
        if (end > _zeroedEnd)
        {
            // Zeros ahead of the events: the next groups overwrite blocks the file has, so their fdatasync writes data only.
            var zeroedEnd = (end / extendBytes + 1) * extendBytes;
            RandomAccess.Write(handle, new byte[zeroedEnd - _zeroedEnd], _zeroedEnd);
            _zeroedEnd = zeroedEnd;
        }

        RandomAccess.Write(handle, bytes, _written);
        AuditJournal.Sync(_file);
        Volatile.Write(ref _written, end);
    }

    /// <summary>No more events: releases the file (and its lock).</summary>
    public void Close()
    {
        Volatile.Write(ref _closed, 1);
        _file.Dispose();
    }

    /// <summary>Deletes the file, once. A file that cannot be deleted stays: the next start finds its events stored.</summary>
    public void Delete()
    {
        if (Interlocked.Exchange(ref _deleted, 1) != 0)
            return;
        try
        {
            File.Delete(Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next start, whose recovery finds every event of it in the store and deletes it then.
        }
    }
}
