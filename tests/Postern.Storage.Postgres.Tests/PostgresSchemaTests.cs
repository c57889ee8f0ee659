using Postern.Testing;

namespace Postern.Storage.Postgres.Tests;

/// <summary>Creating and migrating the store's tables when instances start.</summary>
public sealed class PostgresSchemaTests(PostgresServer server) : PostgresTests(server)
{
    [Fact]
    public async Task Instances_starting_together_on_an_empty_database_create_the_schema_once_and_share_it()
    {
        var database = await Server.CreateDatabaseAsync();

        var instances = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Backends.OpenAsync(database))));
        var revision = await instances[0].PutAsync("/shared", Bytes("v"), null, CancellationToken.None);

        Assert.Equal(PostgresSchema.Version, await ScalarAsync(database, "SELECT version FROM postern_schema"));
        Assert.Equal(1L, await ScalarAsync(database, "SELECT count(*) FROM postern_revision"));
        foreach (var instance in instances)
            Assert.Equal(revision, (await instance.GetAsync("/shared", CancellationToken.None))?.Revision);
    }

    [Fact]
    public async Task Opening_an_existing_store_again_keeps_its_items_and_revision()
    {
        var database = await Server.CreateDatabaseAsync();
        var first = await Backends.OpenAsync(database);
        await first.PutAsync("/kept", Bytes("v"), null, CancellationToken.None);
        await first.DisposeAsync();

        var again = await Backends.OpenAsync(database);

        Assert.Equal("v", Text((await again.GetAsync("/kept", CancellationToken.None))!.Value));
        Assert.Equal(1, await again.CurrentRevisionAsync(CancellationToken.None));
        Assert.Equal(2, await again.PutAsync("/next", Bytes("v"), null, CancellationToken.None));
    }

    [Fact]
    public async Task A_store_of_a_newer_schema_version_is_refused()
    {
        var database = await Server.CreateDatabaseAsync();
        await (await Backends.OpenAsync(database)).DisposeAsync();
        await ScalarAsync(database, "UPDATE postern_schema SET version = 99");

        var error = await Assert.ThrowsAsync<NotSupportedException>(() => Backends.OpenAsync(database));

        Assert.Contains("schema version 99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_that_does_not_store_utf8_is_refused_before_anything_is_created()
    {
        var database = await Server.CreateDatabaseAsync("ENCODING 'SQL_ASCII' TEMPLATE template0");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Backends.OpenAsync(database));

        Assert.Contains("SQL_ASCII", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarAsync(database, "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'postern%'"));
    }

    [Fact]
    public async Task An_unreachable_server_fails_the_open()
    {
        var closed = new Npgsql.NpgsqlConnectionStringBuilder(Server.ConnectionString("postgres")) { Port = 1, Timeout = 2 }.ConnectionString;

        await Assert.ThrowsAnyAsync<Npgsql.NpgsqlException>(() => Backends.OpenAsync(closed));
    }
}
