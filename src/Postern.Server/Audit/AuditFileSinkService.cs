using Microsoft.Extensions.Hosting;
using Postern.Audit;

namespace Postern.Server.Audit;

/// <summary>Runs the audit file sink while the server runs.</summary>
internal sealed class AuditFileSinkService(Func<AuditFileSink> start) : IHostedService
{
    private AuditFileSink? _sink;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _sink = start();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_sink is not null)
            await _sink.DisposeAsync().ConfigureAwait(false);
    }
}
