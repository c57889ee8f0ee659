using System.CommandLine;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Postern.Storage;
using Postern.Testing;

namespace Postern.Cli.Tests.Audit;

/// <summary>
/// <c>postern audit verify</c> and <c>postern audit tail</c> against the store of a running server, and the server's
/// file sink, with checkpoints sealed every second.
/// </summary>
public sealed class AuditCliTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly TempDir _dir = new();
    private TestPostern _server = null!;
    private string _config = null!;
    private string _sink = null!;

    public async Task InitializeAsync()
    {
        _sink = _dir.File("audit/audit.jsonl");
        _server = await TestPostern.StartAsync(_dir.Path, $"audit:\n  checkpoint_interval: 1s\n  file_sink:\n    path: {_sink}\n");
        _config = _dir.File("postern.yaml");
        File.WriteAllText(_config, $"data_dir: {_dir.Path}\n");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Verify_passes_on_the_servers_log_and_names_the_position_of_an_event_changed_in_the_database()
    {
        for (var i = 0; i < 3; i++)
            Assert.Equal(0, (await RunAsync("users", "add", $"user{i}", "--roles", "access")).Exit);
        await WaitForCheckpointAsync();

        var (exit, output, error) = await RunAsync("audit", "verify");
        Assert.True(exit == 0, error + output);
        Assert.Contains("verified: 1 chain(s)", output, StringComparison.Ordinal);

        var tables = (IAuditStore)_server.Host.Store;
        var second = (await tables.ReadChainAsync(tables.ChainId, 1, 1, CancellationToken.None))[0];
        var line = second.Line.ToArray();
        line[line.Length / 2] ^= 0x01; // one byte, ASCII still
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(_dir.Path, "postern.db")};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var update = connection.CreateCommand();
            update.CommandText = "UPDATE audit_events SET line = $line WHERE chain = $chain AND sequence = 2";
            update.Parameters.AddWithValue("$line", line);
            update.Parameters.AddWithValue("$chain", tables.ChainId);
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        (exit, output, error) = await RunAsync("audit", "verify");
        Assert.Equal(1, exit);
        Assert.Contains("NOT verified", output, StringComparison.Ordinal);
        Assert.Contains($"Changed: chain {tables.ChainId}: event 2 does not match its hash", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tail_follow_in_json_delivers_an_event_committed_after_it_started()
    {
        var output = new LineWatcher();
        using var stop = new CancellationTokenSource();
        var tail = PosternCli.CreateRootCommand().Parse(["audit", "tail", "-f", "-n", "0", "--format", "json", "--config", _config])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = new StringWriter() }, stop.Token);
        try
        {
            // Added again until the tail shows one: the tail may start following after the first was committed.
            var deadline = DateTime.UtcNow + Patience;
            for (var i = 0; output.Lines().Count == 0; i++)
            {
                Assert.True(DateTime.UtcNow < deadline, "the tail printed nothing");
                Assert.Equal(0, (await RunAsync("users", "add", $"tailed{i}", "--roles", "access")).Exit);
                await Task.Delay(200);
            }

            var line = await output.WaitForAsync(l => l.Contains("\"user.create\"", StringComparison.Ordinal), Patience);
            using var e = JsonDocument.Parse(line);
            Assert.StartsWith("tailed", e.RootElement.GetProperty("user").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            Assert.Equal(0, await tail.WaitAsync(Patience));
        }
    }

    [Fact]
    public async Task Verify_names_a_journal_file_a_stopped_server_left_and_the_events_it_holds()
    {
        // Two events journaled by a server that died before the store had them; the running server holds its own file.
        var journal = Path.Combine(_dir.Path, "audit-journal");
        var left = Path.Combine(journal, "20261206T000000.0000000Z-0badc0de.journal");
        var line = "{\"type\":\"jwt_svid.issued\",\"time\":\"2026-12-06T00:00:00.0000000Z\",\"id\":\"0639321120000000000-0badc0de\"}\n";
        await File.WriteAllTextAsync(left, line + line.Replace("c0de\"", "c0df\"", StringComparison.Ordinal));

        var (exit, output, error) = await RunAsync("audit", "verify");
        Assert.True(exit == 0, error + output);
        Assert.Contains($"note: {left} holds 2 event(s) journaled by a server that stopped", error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)); // not the running server's own file
    }

    [Fact]
    public async Task The_file_sinks_lines_parse_and_together_are_the_events_of_the_log()
    {
        for (var i = 0; i < 5; i++)
            Assert.Equal(0, (await RunAsync("users", "add", $"sunk{i}", "--roles", "access")).Exit);

        var tables = (IAuditStore)_server.Host.Store;
        var stored = (await tables.SearchAuditAsync(new AuditSearch(), CancellationToken.None)).Select(e => System.Text.Encoding.UTF8.GetString(e.Line)).Order(StringComparer.Ordinal).ToList();
        var deadline = DateTime.UtcNow + Patience;
        List<string> sunk;
        while ((sunk = ReadSink()).Count < stored.Count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the sink holds {sunk.Count} of {stored.Count} events");
            await Task.Delay(50);
        }

        Assert.All(sunk, line => JsonDocument.Parse(line).Dispose());
        Assert.Equal(stored, sunk.Order(StringComparer.Ordinal));
    }

    private List<string> ReadSink()
    {
        if (!File.Exists(_sink))
            return [];
        using var reader = new StreamReader(new FileStream(_sink, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        return [.. reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    private async Task WaitForCheckpointAsync()
    {
        var tables = (IAuditStore)_server.Host.Store;
        var deadline = DateTime.UtcNow + Patience;
        while (!(await tables.AuditCheckpointsAsync(CancellationToken.None)).Any(c => c.Sequence == tables.Head!.Sequence))
        {
            Assert.True(DateTime.UtcNow < deadline, "no checkpoint of the head was sealed");
            await Task.Delay(100);
        }
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await PosternCli.CreateRootCommand().Parse([.. args, "--config", _config]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
