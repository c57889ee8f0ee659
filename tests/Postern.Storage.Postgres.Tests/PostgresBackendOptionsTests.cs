namespace Postern.Storage.Postgres.Tests;

/// <summary>Options are checked before anything is opened, with every problem reported at once.</summary>
public sealed class PostgresBackendOptionsTests
{
    [Fact]
    public async Task Every_invalid_option_is_reported_at_once()
    {
        var options = new PostgresBackendOptions
        {
            ConnectionString = " ",
            ChangeLogRetention = 0,
            SweepInterval = TimeSpan.Zero,
            WatchPollInterval = TimeSpan.FromSeconds(-1),
        };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => PostgresBackend.OpenAsync(options, CancellationToken.None));

        Assert.Contains("ConnectionString must name the database", error.Message, StringComparison.Ordinal);
        Assert.Contains("ChangeLogRetention must be at least 1, not 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("SweepInterval must be positive", error.Message, StringComparison.Ordinal);
        Assert.Contains("WatchPollInterval must be positive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connection_string_with_an_unknown_keyword_is_refused_before_connecting()
    {
        var options = new PostgresBackendOptions { ConnectionString = "Host=127.0.0.1;Colour=blue" };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => PostgresBackend.OpenAsync(options, CancellationToken.None));

        Assert.Contains("ConnectionString is not valid", error.Message, StringComparison.Ordinal);
    }
}
