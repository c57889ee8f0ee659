using Postern.Authority;
using Postern.Server.Tests.MultiInstance;
using Postern.Testing;

namespace Postern.Server.Tests.WorkloadIdentity;

/// <summary><see cref="IssuanceCrashTests"/> on PostgreSQL: the audit events are batched inserts into the audit table.</summary>
[Collection(PostgresInstancesCollection.Name)]
public sealed class PostgresIssuanceCrashTests(PostgresServer postgres) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Every_returned_jti_is_in_the_audit_log_exactly_once_after_a_SIGKILL()
    {
        var cluster = new PostgresCluster(postgres, _dir);
        await cluster.CreateDatabaseAsync();
        await IssuanceCrashTests.RunAsync(_dir, cluster.StorageYaml, new Dictionary<string, string> { [KeyEncryptionKeySource.EnvironmentVariable] = cluster.Kek });
    }
}
