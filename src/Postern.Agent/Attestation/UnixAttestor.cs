using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;

namespace Postern.Agent.Attestation;

/// <summary>
/// Tells who is calling from the Unix socket itself: the kernel's SO_PEERCRED answer for the
/// connection, and the executable of the process it names, read from <c>/proc</c>.
/// </summary>
internal sealed class UnixAttestor
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    // struct ucred { pid_t pid; uid_t uid; gid_t gid; }: three 32-bit integers.
    private const int UcredSize = 12;

    private const string DeletedSuffix = " (deleted)";

    private readonly string _procRoot;

    public UnixAttestor(string procRoot = "/proc")
    {
        _procRoot = procRoot;
    }

    /// <summary>Attests the peer of <paramref name="socket"/>, a connected Unix domain socket.</summary>
    public AttestationResult Attest(Socket socket)
    {
        if (!OperatingSystem.IsLinux())
        {
            return AttestationResult.Failed("workload attestation needs Linux (SO_PEERCRED)");
        }

        if (socket.AddressFamily != AddressFamily.Unix)
        {
            return AttestationResult.Failed("the connection is not on a Unix domain socket");
        }

        Span<byte> ucred = stackalloc byte[UcredSize];
        int length;
        try
        {
            length = socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred);
        }
        catch (SocketException e)
        {
            return AttestationResult.Failed($"SO_PEERCRED failed: {e.SocketErrorCode}");
        }

        if (length < UcredSize)
        {
            return AttestationResult.Failed("SO_PEERCRED returned a short answer");
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
            return AttestationResult.Failed("the kernel gave no process for the peer");
        }

        return AttestationResult.Attested(new UnixWorkload(uid, gid, pid, ReadExecutable(pid)));
    }

    /// <summary>
    /// The path of process <paramref name="pid"/>'s executable, or null when it cannot be read, the file
    /// was deleted, or the process's start time changed while reading (the pid now names another process).
    /// </summary>
    public string? ReadExecutable(int pid)
    {
        var dir = Path.Combine(_procRoot, pid.ToString(CultureInfo.InvariantCulture));
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
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        if (exe is null || !exe.StartsWith('/') || exe.EndsWith(DeletedSuffix, StringComparison.Ordinal))
        {
            return null;
        }

        var after = ReadStartTime(dir);
        return after == before ? exe : null;
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
