using Postern.Configuration;

namespace Postern.Core.Tests.Configuration;

/// <summary>How <c>postern.yaml</c>'s <c>storage</c> section is read.</summary>
public sealed class StorageConfigLoaderTests
{
    private static PosternConfig Parse(string yaml) => ConfigLoader.Parse(yaml, "/etc/postern");

    private static IReadOnlyList<string> Errors(string yaml) =>
        Assert.Throws<ConfigException>(() => Parse(yaml)).Errors.Select(e => e.ToString()).ToList();

    [Fact]
    public void Postgres_with_a_connection_string_is_read()
    {
        var config = Parse("""
            storage:
              type: postgres
              conn_string: "Host=db.example.com;Port=5433;Database=postern;Username=postern"
            """);

        Assert.Equal(StorageConfig.Postgres, config.Storage.Type);
        Assert.Equal("Host=db.example.com;Port=5433;Database=postern;Username=postern", config.Storage.ConnString);
    }

    [Fact]
    public void Sqlite_is_the_default_and_needs_no_connection_string()
    {
        var config = Parse("storage: { type: sqlite }");

        Assert.Equal(StorageConfig.Sqlite, config.Storage.Type);
        Assert.Null(config.Storage.ConnString);
    }

    [Theory]
    [InlineData("storage: { type: postgres }", "storage.conn_string: required for type postgres (e.g. 'Host=db.example.com;Database=postern;Username=postern')")]
    [InlineData("storage: { type: postgres, conn_string: '  ' }", "storage.conn_string: must not be empty")]
    [InlineData("storage: { type: postgres, conn_string: 'Host' }", "storage.conn_string: is not a list of key=value pairs separated by ';' (e.g. 'Host=db.example.com;Database=postern')")]
    [InlineData("storage: { type: postgres, conn_string: ';;' }", "storage.conn_string: holds no key=value pair")]
    [InlineData("storage: { type: sqlite, conn_string: 'Host=db' }", "storage.conn_string: applies to type postgres only")]
    [InlineData("storage: { type: postgres, conn_string: 'Host=db', colour: blue }", "storage.colour: unknown field (expected one of: type, conn_string)")]
    public void A_wrong_storage_section_is_named_with_its_path(string yaml, string expected) =>
        Assert.Contains(expected, Errors(yaml));

    [Fact]
    public void A_malformed_connection_string_is_reported_without_echoing_it()
    {
        var error = Assert.Single(Errors("storage: { type: postgres, conn_string: \"Host=db;Password='s3cret\" }"));

        Assert.StartsWith("storage.conn_string:", error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Storage_errors_are_listed_with_the_others()
    {
        var errors = Errors("""
            version: v2
            storage: { type: postgres }
            """);

        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("storage.conn_string: required", StringComparison.Ordinal));
    }
}
