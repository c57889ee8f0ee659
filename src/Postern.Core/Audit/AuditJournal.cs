using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Postern.Storage;

namespace Postern.Audit;

/// <summary>
/// The audit log's journal: files of its own in which a group of events becomes durable with one write and one
/// <c>fdatasync</c> before their callers are answered. The store's audit tables, which chain, index and search the
/// events, are filled from the journal afterwards, off the answer's path (<see cref="AuditLog"/>). Each event is one
/// line of JSON, as stored. One log writes one segment at a time, held under an exclusive lock while it is open; a
/// segment whose events are all in the store is deleted. A segment that no open journal holds was left by a process
/// that died: <see cref="ClaimOrphans"/> hands it to the next log that starts, which indexes what the store lacks.
/// </summary>
/// <remarks>
/// A segment grows in steps of zeros written ahead of the events (<see cref="ExtendBytes"/>), so that most groups
/// overwrite blocks the file already has and their <c>fdatasync</c> carries no change of the file's size. A reader
/// stops at the first byte of zeros, at a line without its newline or at a line that is not an event: what a crash
/// cut short was never acknowledged.
/// </remarks>
internal sealed class AuditJournal
{
    /// <summary>The name every segment ends with.</summary>
    public const string Suffix = ".journal";

    /// <summary>How far a segment is extended with zeros ahead of its events at a time.</summary>
    private const int ExtendBytes = 1 << 20;

    private readonly string _folder;
    private readonly long _segmentBytes;
    private AuditJournalSegment _current;

    private AuditJournal(string folder, long segmentBytes)
    {
        _folder = folder;
        _segmentBytes = segmentBytes;
        _current = AuditJournalSegment.Create(folder);
    }

    /// <summary>Opens a new segment in <paramref name="folder"/> (created, mode 0700), to be followed by others of about <paramref name="segmentBytes"/>.</summary>
    public static AuditJournal Open(string folder, long segmentBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(segmentBytes, ExtendBytes);
        PrivateFolder.Create(folder);
        return new AuditJournal(folder, segmentBytes);
    }

    /// <summary>
    /// Writes the lines of <paramref name="events"/> (UTF-8 JSON, each without a newline) at the end of the current segment
    /// and returns once they are durable: where the group ends. One writer at a time. When the write fails, the segment
    /// is closed (what it holds stays readable) and the next group begins a new one.
    /// </summary>
    /// <exception cref="IOException">The events could not be written or made durable.</exception>
    public AuditJournalPosition Append(IReadOnlyList<BatchPut> events)
    {
        var length = 0;
        foreach (var e in events)
            length += e.Value.Length + 1;
        if (_current.Written > 0 && _current.Written + length > _segmentBytes)
            Rotate();

        var segment = _current;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var at = 0;
            foreach (var e in events)
            {
                e.Value.Span.CopyTo(buffer.AsSpan(at));
                at += e.Value.Length;
                buffer[at++] = (byte)'\n';
            }

            segment.Write(buffer.AsSpan(0, length), ExtendBytes);
            return new AuditJournalPosition(segment, segment.Written);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Rotate(); // after a failed fdatasync the file's state is unknown: nothing more is written to it
            throw new IOException($"the audit journal {segment.Path} could not be written: {e.Message}", e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Everything up to <paramref name="position"/> is in the store: deletes the <paramref name="segments"/> (those of
    /// the groups just stored, and of the previous position) that lie before it, and its own when it is closed and
    /// ends there.
    /// </summary>
    public static void Indexed(IEnumerable<AuditJournalSegment?> segments, AuditJournalPosition position)
    {
        foreach (var segment in segments.Distinct())
        {
            if (segment is not null && segment != position.Segment)
                segment.Delete();
        }

        if (position.Segment.Closed && position.End == position.Segment.Written)
            position.Segment.Delete();
    }

    /// <summary>
    /// The segments in <paramref name="folder"/> that no open journal holds, each locked for the caller (dispose it
    /// when done), oldest first.
    /// </summary>
    public static IReadOnlyList<AuditJournalOrphan> ClaimOrphans(string folder)
    {
        if (!Directory.Exists(folder))
            return [];
        foreach (var abandoned in Directory.GetFiles(folder, "*.new"))
        {
            // A segment made but not yet named: its process died before it wrote anything.
            using var orphan = AuditJournalOrphan.TryClaim(abandoned);
            orphan?.Delete();
        }

        var claimed = new List<AuditJournalOrphan>();
        foreach (var path in Directory.GetFiles(folder, "*" + Suffix).Order(StringComparer.Ordinal))
        {
            if (AuditJournalOrphan.TryClaim(path) is { } orphan)
                claimed.Add(orphan);
        }

        return claimed;
    }

    /// <summary>
    /// The events a segment's bytes hold, each a line of JSON, in order: up to the first byte of zeros, line without its
    /// newline or line that is not an event (what a crash cut short was never acknowledged).
    /// </summary>
    public static IReadOnlyList<byte[]> ReadEvents(ReadOnlySpan<byte> segment)
    {
        var events = new List<byte[]>();
        var rest = segment;
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

    /// <summary>Closes the current segment; deletes it when <paramref name="indexed"/> reaches its end.</summary>
    public void Close(AuditJournalPosition? indexed)
    {
        _current.Close();
        if (_current.Written == 0 || (indexed is { } position && position.Segment == _current && position.End == _current.Written))
            _current.Delete();
    }

    private void Rotate()
    {
        var next = AuditJournalSegment.Create(_folder);
        var closed = _current;
        _current = next;
        closed.Close();
        if (closed.Written == 0)
            closed.Delete();
    }

    /// <summary>A new segment's name: its creation time first, so that names sort by age.</summary>
    internal static string NewName() =>
        string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyyMMdd'T'HHmmss.fffffff'Z'}-{RandomNumberGenerator.GetHexString(8, lowercase: true)}");

    [DllImport("libc", SetLastError = true)]
    private static extern int fdatasync(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);

    /// <summary>
    /// Makes the entries of <paramref name="folder"/> durable (a file created or renamed in it), as a file's own sync
    /// does not on every file system.
    /// </summary>
    internal static void SyncFolder(string folder)
    {
        if (!OperatingSystem.IsLinux())
            return;
        const int ReadOnly = 0; // O_RDONLY: enough to open a folder and sync it (O_DIRECTORY's value differs by CPU)
        var fd = open(folder, ReadOnly);
        if (fd < 0)
            throw new IOException($"the folder {folder} could not be opened to sync it: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            if (fsync(fd) != 0)
                throw new IOException($"the folder {folder} could not be synced: errno {Marshal.GetLastPInvokeError()}");
        }
        finally
        {
            close(fd);
        }
    }

    /// <summary>Makes what was written to <paramref name="file"/> durable (its data, and its size when it changed).</summary>
    internal static void Sync(FileStream file)
    {
        if (!OperatingSystem.IsLinux())
        {
            file.Flush(flushToDisk: true);
            return;
        }

        if (fdatasync((int)file.SafeFileHandle.DangerousGetHandle()) != 0)
            throw new IOException($"fdatasync failed with errno {Marshal.GetLastPInvokeError()}");
    }
}
