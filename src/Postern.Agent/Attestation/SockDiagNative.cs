using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Postern.Agent.Attestation;

/// <summary>A netlink sock_diag socket through libc: .NET's <c>Socket</c> refuses the AF_NETLINK family.</summary>
internal static partial class SockDiagNative
{
    private const int AfNetlink = 16;
    private const int SockRaw = 3;
    private const int SockCloexec = 0x80000;
    private const int NetlinkSockDiag = 4;

    /// <summary>One request to the kernel and its answer; null when the socket cannot be had or the exchange fails.</summary>
    public static byte[]? Exchange(byte[] request)
    {
        var fd = socket(AfNetlink, SockRaw | SockCloexec, NetlinkSockDiag);
        if (fd < 0)
        {
            return null;
        }

        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (send(fd, request, request.Length, 0) != request.Length)
        {
            return null;
        }

        var answer = new byte[8192];
        var length = recv(fd, answer, answer.Length, 0);
        return length <= 0 ? null : answer[..(int)length];
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int socket(int domain, int type, int protocol);

    [DllImport("libc", SetLastError = true)]
    private static extern nint send(int fd, byte[] buffer, nint length, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern nint recv(int fd, byte[] buffer, nint length, int flags);
}
