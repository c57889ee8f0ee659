using System.Diagnostics;
using System.Net.Sockets;
using Postern.Agent.Attestation;
using Postern.Agent.Tests.Infrastructure;

namespace Postern.Agent.Tests.Attestation;

/// <summary>
/// A connection's peer is pinned at accept and attested on every call: with a pidfd (SO_PEERPIDFD) where the
/// kernel has one, and with the forced fallback (pid and start time), a peer that exited or shared the connection
/// attests nobody.
/// </summary>
public sealed class PeerConnectionTests : IDisposable
{
    // Connects to argv[1]; with "fork", forks a child that keeps the connection; then waits for stdin to close.
    private const string Client = """
        import os, socket, sys
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(sys.argv[1])
        if len(sys.argv) > 2 and os.fork() == 0:
            sys.stdin.read()
            os._exit(0)
        print("connected", flush=True)
        sys.stdin.read()
        """;

    private readonly TempDir _dir = new();
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);

    public PeerConnectionTests()
    {
        _listener.Bind(new UnixDomainSocketEndPoint(_dir.File("peer.sock")));
        _listener.Listen();
    }

    [Fact]
    public async Task On_a_kernel_with_SO_PEERPIDFD_the_peer_is_pinned_by_a_pidfd()
    {
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await client.ConnectAsync(new UnixDomainSocketEndPoint(_dir.File("peer.sock")));
        using var accepted = await _listener.AcceptAsync();

        var (peer, _) = new UnixAttestor().Open(accepted);
        var (forced, _) = new UnixAttestor(usePidfd: false).Open(accepted);
        using (peer)
        using (forced)
        {
            Assert.Equal(Environment.OSVersion.Version >= new Version(6, 5), peer!.HasPidfd);
            Assert.False(forced!.HasPidfd);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_peer_is_attested_on_every_call_until_it_exits(bool usePidfd)
    {
        var (process, accepted) = await ConnectFromPythonAsync();
        using (accepted)
        using (process)
        {
            var (peer, failure) = new UnixAttestor(usePidfd: usePidfd).Open(accepted);
            Assert.Null(failure);
            using (peer)
            {
                var attested = peer!.Attest();
                Assert.Null(attested.Failure);
                Assert.Equal(process.Id, attested.Workload!.Pid);
                Assert.Equal(new FileInfo($"/proc/{process.Id}/exe").LinkTarget, attested.Workload.Exe);
                Assert.Equal(64, attested.Workload.ExeSha256!.Length);

                process.StandardInput.Close();
                await process.WaitForExitAsync();

                Assert.Equal("the process that opened this connection has exited", peer.Attest().Failure);
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_connection_shared_with_a_forked_child_attests_nobody(bool usePidfd)
    {
        var (process, accepted) = await ConnectFromPythonAsync("fork");
        using (accepted)
        using (process)
        {
            var (peer, _) = new UnixAttestor(usePidfd: usePidfd).Open(accepted);
            using (peer)
            {
                var result = peer!.Attest();

                Assert.Null(result.Workload);
                Assert.StartsWith("the connection is held by a process other than the one that opened it", result.Failure, StringComparison.Ordinal);
            }

            process.StandardInput.Close();
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public void The_executables_hash_is_read_once_per_file()
    {
        var hashes = new ExecutableHashes("/proc");
        var expected = CurrentProcess.ExeSha256;

        Assert.Equal(expected, hashes.Hash(Environment.ProcessId));
        Assert.Equal(expected, hashes.Hash(Environment.ProcessId));
        Assert.Equal(1, hashes.Computed);
        Assert.Null(hashes.Hash(int.MaxValue));
    }

    public void Dispose()
    {
        _listener.Dispose();
        _dir.Dispose();
    }

    private async Task<(Process Process, Socket Accepted)> ConnectFromPythonAsync(params string[] extra)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardInput = true, RedirectStandardOutput = true };
        foreach (var arg in (string[])["-c", Client, _dir.File("peer.sock"), .. extra])
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        var accepted = await _listener.AcceptAsync();
        Assert.Equal("connected", await process.StandardOutput.ReadLineAsync());
        return (process, accepted);
    }
}
