using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;

namespace Postern.Agent.Attestation;

/// <summary>Which processes hold the other end of a Unix socket connection.</summary>
internal enum HolderCheck
{
    /// <summary>Only the process that connected holds it.</summary>
    Sole,

    /// <summary>Another process holds it too, or instead (a fork, an exec'd child, a descriptor passed on).</summary>
    Shared,

    /// <summary>The holders could not be told: the kernel lacks sock_diag, or a process's descriptors are unreadable.</summary>
    Unknown,
}

/// <summary>
/// Finds the holders of a connection's client end: its inode from the kernel's sock_diag (UNIX_DIAG_PEER), then
/// every process's descriptors in <c>/proc/&lt;pid&gt;/fd</c>. SO_PEERCRED names the process that called
/// <c>connect()</c>; this tells whether that process is still the only one that can speak on the connection.
/// </summary>
internal static class SocketHolders
{
    private const ushort SockDiagByFamily = 20;
    private const ushort NlmFRequest = 1;
    private const ushort NlmsgError = 2;
    private const int UdiagShowPeer = 4;
    private const ushort UnixDiagPeer = 2;

    /// <summary>Is <paramref name="pid"/> the only process holding the peer end of <paramref name="socket"/>?</summary>
    public static HolderCheck Check(Socket socket, int pid, string procRoot)
    {
        if (PeerInode(socket) is not { } peer)
        {
            return HolderCheck.Unknown;
        }

        var link = $"socket:[{peer.ToString(CultureInfo.InvariantCulture)}]";
        var heldByPeer = false;
        IEnumerable<string> processes;
        try
        {
            processes = Directory.EnumerateDirectories(procRoot);
        }
        catch (IOException)
        {
            return HolderCheck.Unknown;
        }

        foreach (var dir in processes)
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var other))
            {
                continue;
            }

            switch (Holds(dir, link))
            {
                case null:
                    return HolderCheck.Unknown;
                case true when other == pid:
                    heldByPeer = true;
                    break;
                case true:
                    return HolderCheck.Shared;
            }
        }

        return heldByPeer ? HolderCheck.Sole : HolderCheck.Shared;
    }

    /// <summary>Does the process in <paramref name="dir"/> hold <paramref name="link"/>? null when its descriptors cannot be read.</summary>
    private static bool? Holds(string dir, string link)
    {
        try
        {
            foreach (var fd in Directory.EnumerateFileSystemEntries(Path.Combine(dir, "fd")))
            {
                if (string.Equals(new FileInfo(fd).LinkTarget, link, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }
        catch (DirectoryNotFoundException)
        {
            return false; // the process has gone (or is a zombie): it holds nothing
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The inode of the socket connected to <paramref name="socket"/>, from sock_diag; null when it cannot be had.</summary>
    public static uint? PeerInode(Socket socket)
    {
        if (OwnInode(socket) is not { } own)
        {
            return null;
        }

        // struct nlmsghdr (16 bytes), then struct unix_diag_req (24 bytes).
        var request = new byte[40];
        BinaryPrimitives.WriteUInt32LittleEndian(request, 40);
        BinaryPrimitives.WriteUInt16LittleEndian(request.AsSpan(4), SockDiagByFamily);
        BinaryPrimitives.WriteUInt16LittleEndian(request.AsSpan(6), NlmFRequest);
        BinaryPrimitives.WriteUInt32LittleEndian(request.AsSpan(8), 1);
        request[16] = (byte)AddressFamily.Unix;
        BinaryPrimitives.WriteUInt32LittleEndian(request.AsSpan(20), uint.MaxValue); // every state
        BinaryPrimitives.WriteUInt32LittleEndian(request.AsSpan(24), own);
        BinaryPrimitives.WriteUInt32LittleEndian(request.AsSpan(28), UdiagShowPeer);
        BinaryPrimitives.WriteUInt64LittleEndian(request.AsSpan(32), ulong.MaxValue); // no cookie
        if (!BitConverter.IsLittleEndian || SockDiagNative.Exchange(request) is not { Length: >= 32 } answer
            || BinaryPrimitives.ReadUInt16LittleEndian(answer.AsSpan(4)) == NlmsgError)
        {
            return null;
        }

        // struct unix_diag_msg (16 bytes) follows the header; then attributes (u16 length, u16 type, payload).
        var end = Math.Min(answer.Length, (int)BinaryPrimitives.ReadUInt32LittleEndian(answer));
        for (var at = 32; at + 8 <= end;)
        {
            var size = BinaryPrimitives.ReadUInt16LittleEndian(answer.AsSpan(at));
            if (size < 4)
            {
                return null;
            }

            if (BinaryPrimitives.ReadUInt16LittleEndian(answer.AsSpan(at + 2)) == UnixDiagPeer)
            {
                return BinaryPrimitives.ReadUInt32LittleEndian(answer.AsSpan(at + 4));
            }

            at += (size + 3) & ~3;
        }

        return null;
    }

    private static uint? OwnInode(Socket socket)
    {
        var target = new FileInfo($"/proc/self/fd/{socket.Handle.ToInt64().ToString(CultureInfo.InvariantCulture)}").LinkTarget;
        return target is not null && target.StartsWith("socket:[", StringComparison.Ordinal) && target.EndsWith(']')
            && uint.TryParse(target.AsSpan(8, target.Length - 9), NumberStyles.None, CultureInfo.InvariantCulture, out var inode)
            ? inode
            : null;
    }
}
