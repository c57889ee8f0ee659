using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Postern.Testing;

/// <summary>
/// A throwaway PostgreSQL server for the tests: <c>initdb</c> into a temporary folder, started on 127.0.0.1 at a
/// free port with its socket in that folder, stopped and removed when the tests end. Run as the
/// <c>postgres</c> user through <c>runuser</c> when the tests run as root, since <c>initdb</c> refuses root.
/// Durability is off (<c>fsync=off</c>): nothing here outlives the run.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private static readonly TimeSpan CommandPatience = TimeSpan.FromSeconds(60);

    private readonly string _bin = FindBin();
    private readonly bool _asPostgresUser = Environment.UserName == "root";
    private DirectoryInfo? _folder;
    private int _databases;

    /// <summary>The port the server listens on, at 127.0.0.1.</summary>
    public int Port { get; private set; }

    private string DataFolder => Path.Combine(_folder!.FullName, "data");

    private string LogFile => Path.Combine(_folder!.FullName, "server.log");

    public async Task InitializeAsync()
    {
        _folder = Directory.CreateTempSubdirectory("postern-pg-");
        try
        {
            if (_asPostgresUser)
                await RunAsync("chown", ["postgres:postgres", _folder.FullName]);
            await RunToolAsync("initdb", ["-D", DataFolder, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
            Port = FreePort.Next();
            await StartAsync();
        }
        catch (Exception e)
        {
            var log = File.Exists(LogFile) ? await File.ReadAllTextAsync(LogFile) : "(no server log)";
            await DisposeAsync();
            throw new InvalidOperationException($"the test PostgreSQL server did not start: {e.Message}\n{log}", e);
        }
    }

    public async Task DisposeAsync()
    {
        if (_folder is null)
            return;
        try
        {
            if (File.Exists(Path.Combine(DataFolder, "postmaster.pid")))
                await StopAsync();
        }
        finally
        {
            _folder.Delete(recursive: true);
            _folder = null;
        }
    }

    /// <summary>Starts the server (again) on the same port and data.</summary>
    public Task StartAsync()
    {
        var settings = string.Join(
            ' ',
            $"-p {Port}",
            $"-k {_folder!.FullName}",
            "-c listen_addresses=127.0.0.1",
            "-c fsync=off",
            "-c synchronous_commit=off",
            "-c full_page_writes=off",
            "-c max_connections=300");
        return RunToolAsync("pg_ctl", ["-D", DataFolder, "-l", LogFile, "-w", "-t", "60", "-o", settings, "start"]);
    }

    /// <summary>Stops the server at once (<c>immediate</c>: clients are cut off, as in a crash); the data stays.</summary>
    public Task StopAsync() => RunToolAsync("pg_ctl", ["-D", DataFolder, "-m", "immediate", "-w", "stop"]);

    /// <summary>A connection string to the server's <paramref name="database"/>, as its superuser.</summary>
    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        IncludeErrorDetail = true,
    }.ConnectionString;

    /// <summary>Creates a new, empty database and returns a connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync(string options = "")
    {
        var name = $"store_{Interlocked.Increment(ref _databases).ToString(CultureInfo.InvariantCulture)}";
        await ExecuteAsync("postgres", $"CREATE DATABASE {name} {options}");
        return ConnectionString(name);
    }

    /// <summary>Runs <paramref name="sql"/> on <paramref name="database"/> over a connection of its own.</summary>
    public async Task<object?> ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database) + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private static string FindBin()
    {
        var found = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(folder => Path.Combine(folder, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), CultureInfo.InvariantCulture, out var version) ? version : 0)
                .FirstOrDefault()
            : null;
        return found ?? throw new InvalidOperationException("no PostgreSQL server found in /usr/lib/postgresql/*/bin; run tests/setup/postgres.sh");
    }

    private Task RunToolAsync(string tool, IReadOnlyList<string> arguments)
    {
        var path = Path.Combine(_bin, tool);
        return _asPostgresUser
            ? RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments])
            : RunAsync(path, arguments);
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandPatience);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await errors}{await output}");
    }
}
