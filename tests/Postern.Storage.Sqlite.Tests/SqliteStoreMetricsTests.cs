using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;

namespace Postern.Storage.Sqlite.Tests;

/// <summary>Each store operation is timed in <c>postern.store.operation.duration</c> once something listens to it.</summary>
public sealed class SqliteStoreMetricsTests : IDisposable
{
    private readonly TempStoreFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Operations_are_timed_by_backend_and_operation_while_a_listener_is_enabled()
    {
        var seen = new ConcurrentBag<(string? Backend, string? Operation)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Postern.Storage" && instrument.Name == "postern.store.operation.duration")
                    l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            string? backend = null, operation = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "backend") backend = tag.Value as string;
                if (tag.Key == "operation") operation = tag.Value as string;
            }

            seen.Add((backend, operation));
        });
        listener.Start();

        await using var store = await SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = _folder.Database }, CancellationToken.None);
        await store.PutAsync("/metered", Encoding.UTF8.GetBytes("v"), null, CancellationToken.None);
        Assert.NotNull(await store.GetAsync("/metered", CancellationToken.None));

        Assert.Contains(("sqlite", "put"), seen);
        Assert.Contains(("sqlite", "get"), seen);
    }
}
