using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Postern.Agent.Tests.Infrastructure;
using Postern.Testing;
using TempDir = Postern.Agent.Tests.Infrastructure.TempDir;

namespace Postern.Agent.Tests.EndToEnd;

/// <summary>
/// A connection handed from one process to another (fork, exec, or both) against a real server and agent. The
/// workload identity <c>probe</c> trusts one compiled binary (<c>trusted</c>) run as root, by
/// <c>workload.unix.exe</c> and <c>workload.unix.uid</c>; <c>untrusted</c> is the same program at another path.
/// Whoever holds a connection gets only what it is entitled to itself: never the SVID of whoever opened it.
/// <c>pinned</c> also pins the trusted binary's bytes with <c>workload.unix.exe_sha256</c>.
/// </summary>
public sealed class ConnectionHandoverTests : IAsyncLifetime
{
    private const string Denied = "status 7";
    private const string ProbeId = "spiffe://test.example.com/probe";
    private const string PinnedId = "spiffe://test.example.com/pinned";

    private readonly TempDir _dir = new();
    private TestPostern _server = null!;
    private AgentHost _agent = null!;
    private WorkloadProbe _trusted = null!;
    private WorkloadProbe _untrusted = null!;

    private string SocketPath => _dir.File("workload.sock");

    public async Task InitializeAsync()
    {
        _trusted = await WorkloadProbe.CompileAsync(_dir.File("trusted"));
        _untrusted = await WorkloadProbe.CompileAsync(_dir.File("untrusted"));
        _server = await TestPostern.StartAsync(_dir.File("server"));
        var admin = new AdminApi(_server);
        await admin.CreateAsync($$"""
            kind: role
            version: v1
            metadata: { name: workload }
            spec:
              allow:
                workload_identity_labels: { "*": "*" }
            ---
            kind: workload_identity
            version: v1
            metadata: { name: probe }
            spec:
              spiffe: { id: "/probe" }
              rules:
                allow:
                  - conditions:
                      - { attribute: workload.unix.exe, equals: "{{_trusted.Path}}" }
                      - { attribute: workload.unix.uid, equals: "0" }
            ---
            kind: workload_identity
            version: v1
            metadata: { name: pinned }
            spec:
              spiffe: { id: "/pinned" }
              rules:
                allow:
                  - conditions:
                      - { attribute: workload.unix.exe, equals: "{{_trusted.Path}}" }
                      - { attribute: workload.unix.exe_sha256, equals: "{{Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(_trusted.Path)))}}" }
                      - { attribute: workload.unix.uid, equals: "0" }
            """);
        using var response = await admin.SendAsync(HttpMethod.Post, "bots", JsonContent.Create(new { name = "agent", roles = new[] { "workload" }, agent = true }));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        _agent = await AgentHost.StartAsync(new AgentOptions
        {
            Server = new Uri(_server.BaseUrl),
            JoinToken = token,
            SocketPath = SocketPath,
            DataDir = _dir.File("agent-data"),
            CaFile = _server.CertificatePath,
            PollInterval = TimeSpan.FromMilliseconds(200),
            ConfigureLogging = logging => logging.SetMinimumLevel(LogLevel.Warning),
        }, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _agent.DisposeAsync();
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task An_honest_caller_of_the_trusted_binary_gets_its_SVIDs()
    {
        Assert.Equal([PinnedId, ProbeId], Ids(await _trusted.RunAsync("fetch", SocketPath, "db")));
        Assert.Equal(Denied, await _untrusted.RunAsync("fetch", SocketPath, "db"));
    }

    [Fact]
    public async Task A_changed_binary_at_the_trusted_path_loses_the_identity_that_pins_its_hash()
    {
        await WorkloadProbe.CompileAsync(_trusted.Path, variant: 1);

        Assert.Equal([ProbeId], Ids(await _trusted.RunAsync("fetch", SocketPath, "db")));
    }

    [Fact]
    public async Task A_trusted_process_that_execs_another_binary_does_not_pass_its_SVID_to_it()
    {
        Assert.Equal(Denied, await _trusted.RunAsync("exec-after", SocketPath, "db", _untrusted.Path));
    }

    [Fact]
    public async Task A_child_of_a_trusted_process_does_not_get_its_SVID_over_the_inherited_connection()
    {
        Assert.Equal(Denied, await _trusted.RunAsync("fork-child", SocketPath, "db", _untrusted.Path));
    }

    [Theory]
    [InlineData("keep")]
    [InlineData("close")]
    public async Task A_process_that_connects_forks_and_execs_the_trusted_binary_does_not_get_its_SVID_for_the_child(string parentConnection)
    {
        Assert.Equal(Denied, await _untrusted.RunAsync("fork-parent", SocketPath, "db", _trusted.Path, parentConnection));
    }

    /// <summary>The SPIFFE IDs of a probe's "svid …" answer, sorted; any other answer as it is.</summary>
    private static string[] Ids(string answer) =>
        answer.StartsWith("svid ", StringComparison.Ordinal) ? [.. answer["svid ".Length..].Split(' ').Order(StringComparer.Ordinal)] : [answer];
}
