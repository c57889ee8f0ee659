using System.Net.Sockets;
using Postern.Agent.Attestation;
using Postern.Agent.Tests.Infrastructure;

namespace Postern.Agent.Tests.Attestation;

public sealed class UnixAttestorTests
{
    [Fact]
    public async Task The_peer_of_a_Unix_socket_is_this_test_process()
    {
        using var dir = new TempDir();
        var path = dir.File("peer.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen();
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await client.ConnectAsync(new UnixDomainSocketEndPoint(path));
        using var accepted = await listener.AcceptAsync();

        var result = new UnixAttestor().Attest(accepted);

        Assert.Null(result.Failure);
        Assert.Equal(new UnixWorkload(CurrentProcess.Uid, CurrentProcess.Gid, Environment.ProcessId, CurrentProcess.Exe) { ExeSha256 = CurrentProcess.ExeSha256 }, result.Workload);
    }

    [Fact]
    public void A_TCP_socket_is_not_attested()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        var result = new UnixAttestor().Attest(socket);

        Assert.Null(result.Workload);
        Assert.Contains("Unix", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void The_executable_is_read_from_a_proc_folder()
    {
        using var proc = FakeProc(42, "/usr/local/bin/billing-api");

        Assert.Equal("/usr/local/bin/billing-api", new UnixAttestor(proc.Path).ReadExecutable(42));
    }

    [Theory]
    [InlineData("/usr/local/bin/billing-api (deleted)")]
    [InlineData("relative/path")]
    public void An_executable_that_cannot_be_trusted_is_absent(string target)
    {
        using var proc = FakeProc(42, target);

        Assert.Null(new UnixAttestor(proc.Path).ReadExecutable(42));
    }

    [Fact]
    public void A_process_that_is_gone_has_no_executable()
    {
        using var proc = FakeProc(42, "/bin/app");

        Assert.Null(new UnixAttestor(proc.Path).ReadExecutable(43));
    }

    [Fact]
    public void A_process_without_a_readable_stat_has_no_executable()
    {
        using var proc = FakeProc(42, "/bin/app");
        File.Delete(Path.Combine(proc.Path, "42", "stat"));

        Assert.Null(new UnixAttestor(proc.Path).ReadExecutable(42));
    }

    private static TempDir FakeProc(int pid, string exe)
    {
        var dir = new TempDir();
        var process = Directory.CreateDirectory(Path.Combine(dir.Path, pid.ToString(System.Globalization.CultureInfo.InvariantCulture))).FullName;
        File.WriteAllText(Path.Combine(process, "stat"), $"{pid} (app) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 5555 20 21");
        File.CreateSymbolicLink(Path.Combine(process, "exe"), exe);
        return dir;
    }
}
