namespace Postern.Storage.Sqlite.Tests;

/// <summary>Bad options fail the open, naming every problem, before any file is touched.</summary>
public sealed class SqliteBackendOptionsTests : IDisposable
{
    private readonly TempStoreFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Every_invalid_option_is_reported_at_once_and_no_file_is_created()
    {
        var options = new SqliteBackendOptions
        {
            Path = _folder.Database,
            ChangeLogRetention = 0,
            SweepInterval = TimeSpan.Zero,
            WatchPollInterval = TimeSpan.FromSeconds(-2),
        };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => SqliteBackend.OpenAsync(options, CancellationToken.None));

        Assert.Contains("ChangeLogRetention", error.Message, StringComparison.Ordinal);
        Assert.Contains("SweepInterval", error.Message, StringComparison.Ordinal);
        Assert.Contains("WatchPollInterval", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder.Path));
    }

    [Fact]
    public async Task An_empty_path_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(
            () => SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = " " }, CancellationToken.None));
    }

    [Fact]
    public void The_defaults_are_those_documented()
    {
        var options = new SqliteBackendOptions { Path = "x.db" };

        Assert.Equal(
            (false, TimeProvider.System, 10_000, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)),
            (options.ReadOnly, options.Time, options.ChangeLogRetention, options.SweepInterval, options.WatchPollInterval));
    }
}
