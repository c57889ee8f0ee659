using Postern.Authority;
using Postern.Server.Tests.Infrastructure;
using Postern.Testing;

namespace Postern.Server.Tests.MultiInstance;

/// <summary>
/// Postern instances sharing one new database on the test PostgreSQL server and one key-encryption key
/// (<c>POSTERN_KEK</c>), in this test process or as <c>postern start</c> processes, each with a data folder of
/// its own under <paramref name="dir"/>.
/// </summary>
internal sealed class PostgresCluster(PostgresServer postgres, TempDir dir)
{
    private string? _connectionString;

    /// <summary>The key-encryption key every instance gets.</summary>
    public string Kek { get; } = KeyEncryptionKey.Generate().Format();

    /// <summary>The database's connection string.</summary>
    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("call CreateDatabaseAsync first");

    public async Task CreateDatabaseAsync() => _connectionString = await postgres.CreateDatabaseAsync();

    /// <summary>The <c>storage</c> section of the instances' <c>postern.yaml</c>.</summary>
    public string StorageYaml => $"storage: {{ type: postgres, conn_string: \"{ConnectionString}\" }}";

    /// <summary>The environment of every instance: the shared key-encryption key.</summary>
    public string? Environment(string name) => name == KeyEncryptionKeySource.EnvironmentVariable ? Kek : null;

    /// <summary>An instance in this process, data in <c>dir/name</c>.</summary>
    public Task<TestPostern> StartInProcessAsync(string name, string extraYaml = "") =>
        TestPostern.StartAsync(dir.File(name), StorageYaml + "\n" + extraYaml, Environment);

    /// <summary>An instance as a <c>postern start</c> process in <c>dir/name</c>, once it is ready.</summary>
    public async Task<(PosternProcess Process, int Port)> StartProcessAsync(string name, string extraYaml = "")
    {
        var folder = Directory.CreateDirectory(dir.File(name)).FullName;
        var port = FreePort.Next();
        var config = Path.Combine(folder, "postern.yaml");
        File.WriteAllText(config, $"""
            cluster_name: test.example.com
            listen_addr: 127.0.0.1:{port}
            public_addr: https://127.0.0.1:{port}
            data_dir: data
            {StorageYaml}
            {extraYaml}
            """);
        var process = PosternProcess.Start(folder, config, "postern.log", new Dictionary<string, string> { [KeyEncryptionKeySource.EnvironmentVariable] = Kek });
        (await process.WaitReadyAsync(port)).Dispose();
        return (process, port);
    }

    /// <summary>An app <c>whoami</c> (labels env: dev) at <paramref name="upstream"/>, and a role <c>dev-apps</c> that opens apps of <paramref name="env"/>.</summary>
    public static string AppAndRole(string upstream, string env) => $"""
        kind: app
        version: v1
        metadata: {"{"} name: whoami, labels: {"{"} env: dev {"}"} {"}"}
        spec: {"{"} uri: "{upstream}", public_addr: whoami.localhost {"}"}
        ---
        {Role(env)}
        """;

    /// <summary>The role <c>dev-apps</c>, opening apps labelled <c>env: <paramref name="env"/></c>.</summary>
    public static string Role(string env) => $"""
        kind: role
        version: v1
        metadata: {"{"} name: dev-apps {"}"}
        spec:
          allow:
            app_labels: {"{"} env: [{env}] {"}"}
        """;
}
