using System.Globalization;
using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;

namespace Postern.Agent.Attestation;

/// <summary>
/// The process at the other end of one Workload API connection, as the kernel named it when the connection was
/// accepted (SO_PEERCRED, and SO_PEERPIDFD where the kernel has it), with its start time and executable then.
/// <see cref="Attest"/> is called for every call on the connection and fails closed unless that same process is
/// still running the same program and is the only one holding the connection.
/// </summary>
internal sealed class PeerConnection(UnixAttestor attestor, Socket socket, uint uid, uint gid, int pid, SafeFileHandle? pidfd, ProcessSnapshot accepted)
    : IDisposable
{
    private readonly UnixAttestor _attestor = attestor;
    private readonly Socket _socket = socket;
    private readonly SafeFileHandle? _pidfd = pidfd;
    private readonly ProcessSnapshot _accepted = accepted;

    public uint Uid { get; } = uid;

    public uint Gid { get; } = gid;

    public int Pid { get; } = pid;

    /// <summary>Was the peer pinned with a pidfd (SO_PEERPIDFD), rather than by pid and start time alone?</summary>
    public bool HasPidfd => _pidfd is not null;

    /// <summary>Attests the caller now: the process that connected, if it still is what it was and holds the connection alone.</summary>
    public AttestationResult Attest()
    {
        const string Exited = "the process that opened this connection has exited";
        var now = _attestor.Snapshot(Pid);
        if (now is null || now.StartTime != _accepted.StartTime || !PidfdNamesPeer())
        {
            return AttestationResult.Failed(Exited);
        }

        if (!string.Equals(now.Exe, _accepted.Exe, StringComparison.Ordinal))
        {
            return AttestationResult.Failed("the process that opened this connection has started another program since");
        }

        var exe = now.Exe;
        switch (SocketHolders.Check(_socket, Pid, _attestor.ProcRoot))
        {
            case HolderCheck.Shared:
                return AttestationResult.Failed("the connection is held by a process other than the one that opened it (inherited or passed on)");
            case HolderCheck.Unknown:
                exe = null; // who else may speak on it cannot be told: the executable is not vouched for
                break;
        }

        var sha256 = exe is null ? null : _attestor.Hashes.Hash(Pid);

        // The same process, still: what was read was its own.
        var after = _attestor.Snapshot(Pid);
        if (after is null || after.StartTime != _accepted.StartTime || !string.Equals(after.Exe, _accepted.Exe, StringComparison.Ordinal) || !PidfdNamesPeer())
        {
            return AttestationResult.Failed(Exited);
        }

        return AttestationResult.Attested(new UnixWorkload(Uid, Gid, Pid, exe) { ExeSha256 = sha256 });
    }

    /// <summary>With a pidfd: does it still name a live process with the peer's pid? (The kernel shows -1 once it has gone.)</summary>
    private bool PidfdNamesPeer()
    {
        if (_pidfd is null)
        {
            return true;
        }

        try
        {
            var fd = _pidfd.DangerousGetHandle().ToInt64().ToString(CultureInfo.InvariantCulture);
            foreach (var line in File.ReadLines($"/proc/self/fdinfo/{fd}"))
            {
                if (line.StartsWith("Pid:", StringComparison.Ordinal))
                {
                    return int.TryParse(line.AsSpan(4).Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var pid) && pid == Pid;
                }
            }
        }
        catch (IOException)
        {
        }

        return false;
    }

    public void Dispose() => _pidfd?.Dispose();
}
