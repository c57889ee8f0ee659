using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;

namespace Postern.Agent.Attestation;

/// <summary>
/// Tells who is calling from the Unix socket itself: the kernel's SO_PEERCRED answer for the
/// connection, a pidfd for the process it names (SO_PEERPIDFD, Linux 6.5 and later), and that process's
/// start time and executable, read from <c>/proc</c>. <see cref="Open"/> pins the peer when a connection is
/// accepted; <see cref="PeerConnection.Attest"/> attests it again on every call.
/// </summary>
internal sealed class UnixAttestor
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;
    private const int SoPeerPidfd = 77;

    // struct ucred { pid_t pid; uid_t uid; gid_t gid; }: three 32-bit integers.
    private const int UcredSize = 12;

    private const string DeletedSuffix = " (deleted)";

    private readonly bool _usePidfd;

    /// <param name="procRoot">Where <c>/proc</c> is.</param>
    /// <param name="usePidfd">Ask the kernel for a pidfd; false forces the fallback (pid and start time), as on kernels before 6.5.</param>
    public UnixAttestor(string procRoot = "/proc", bool usePidfd = true)
    {
        ProcRoot = procRoot;
        _usePidfd = usePidfd;
        Hashes = new ExecutableHashes(procRoot);
    }

    public string ProcRoot { get; }

    public ExecutableHashes Hashes { get; }

    /// <summary>Attests the peer of <paramref name="socket"/>, a connected Unix domain socket, once.</summary>
    public AttestationResult Attest(Socket socket)
    {
        var (peer, failure) = Open(socket);
        using (peer)
        {
            return peer?.Attest() ?? AttestationResult.Failed(failure!);
        }
    }

    /// <summary>Pins the peer of <paramref name="socket"/> as it is now; or says why it cannot be.</summary>
    public (PeerConnection? Peer, string? Failure) Open(Socket socket)
    {
        if (!OperatingSystem.IsLinux())
        {
            return (null, "workload attestation needs Linux (SO_PEERCRED)");
        }

        if (socket.AddressFamily != AddressFamily.Unix)
        {
            return (null, "the connection is not on a Unix domain socket");
        }

        Span<byte> ucred = stackalloc byte[UcredSize];
        int length;
        try
        {
            length = socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred);
        }
        catch (SocketException e)
        {
            return (null, $"SO_PEERCRED failed: {e.SocketErrorCode}");
        }

        if (length < UcredSize)
        {
            return (null, "SO_PEERCRED returned a short answer");
        }

        var pid = BinaryPrimitives.ReadInt32LittleEndian(ucred);
        var uid = BinaryPrimitives.ReadUInt32LittleEndian(ucred[4..]);
        var gid = BinaryPrimitives.ReadUInt32LittleEndian(ucred[8..]);
        if (!BitConverter.IsLittleEndian)
        {
            pid = BinaryPrimitives.ReverseEndianness(pid);
            uid = BinaryPrimitives.ReverseEndianness(uid);
            gid = BinaryPrimitives.ReverseEndianness(gid);
        }

        if (pid <= 0)
        {
            return (null, "the kernel gave no process for the peer");
        }

        var pidfd = _usePidfd ? PeerPidfd(socket) : null;
        var snapshot = Snapshot(pid);
        if (snapshot is null)
        {
            pidfd?.Dispose();
            return (null, "the process that opened this connection has exited");
        }

        return (new PeerConnection(this, socket, uid, gid, pid, pidfd, snapshot), null);
    }

    /// <summary>SO_PEERPIDFD: a pidfd for the process that connected; null where the kernel has none (before 6.5).</summary>
    private static SafeFileHandle? PeerPidfd(Socket socket)
    {
        Span<byte> value = stackalloc byte[sizeof(int)];
        try
        {
            return socket.GetRawSocketOption(SolSocket, SoPeerPidfd, value) == sizeof(int) && BitConverter.ToInt32(value) is var fd and >= 0
                ? new SafeFileHandle(fd, ownsHandle: true)
                : null;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    /// <summary>The path of process <paramref name="pid"/>'s executable; see <see cref="Snapshot"/>.</summary>
    public string? ReadExecutable(int pid) => Snapshot(pid)?.Exe;

    /// <summary>
    /// Process <paramref name="pid"/>'s start time and executable path; null when it has no readable start time or
    /// the start time changed while reading (the pid now names another process). The path is null when it cannot
    /// be read or the file was deleted.
    /// </summary>
    public ProcessSnapshot? Snapshot(int pid)
    {
        var dir = Path.Combine(ProcRoot, pid.ToString(CultureInfo.InvariantCulture));
        var before = ReadStartTime(dir);
        if (before is null)
        {
            return null;
        }

        string? exe;
        try
        {
            exe = new FileInfo(Path.Combine(dir, "exe")).LinkTarget;
        }
        catch (IOException)
        {
            exe = null;
        }
        catch (UnauthorizedAccessException)
        {
            exe = null;
        }

        if (exe is not null && (!exe.StartsWith('/') || exe.EndsWith(DeletedSuffix, StringComparison.Ordinal)))
        {
            exe = null;
        }

        var after = ReadStartTime(dir);
        return after == before ? new ProcessSnapshot(before.Value, exe) : null;
    }

    private static ulong? ReadStartTime(string dir)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(dir, "stat"));
            return ProcessStat.TryParseStartTime(text, out var start) ? start : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
