using System.Diagnostics;
using System.Text.Json;
using Postern.Testing;

namespace Postern.Server.Tests.Infrastructure;

/// <summary>
/// A long-running Node.js script from <c>tests/interop</c> (an identity provider for the SSO tests): started with
/// its options as JSON, ready once it prints a JSON line with <c>"ready":true</c>, killed when disposed.
/// </summary>
internal sealed class NodeService : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Process _process;

    private NodeService(Process process, JsonElement ready)
    {
        _process = process;
        Ready = ready;
    }

    /// <summary>What the script printed when ready.</summary>
    public JsonElement Ready { get; }

    /// <summary>The <c>issuer</c> of the ready line.</summary>
    public string Issuer => Ready.GetProperty("issuer").GetString()!;

    /// <param name="trustedCertificatePath">A certificate Node.js trusts beside its own (<c>NODE_EXTRA_CA_CERTS</c>), such as Postern's.</param>
    public static async Task<NodeService> StartAsync(string script, object options, string? trustedCertificatePath = null)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = RepoPaths.Interop, RedirectStandardOutput = true, RedirectStandardError = true };
        if (trustedCertificatePath is not null)
        {
            start.Environment["NODE_EXTRA_CA_CERTS"] = trustedCertificatePath;
        }

        start.ArgumentList.Add(script);
        start.ArgumentList.Add(JsonSerializer.Serialize(options, Json));
        var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith('{') && JsonDocument.Parse(line).RootElement is { } answer
                    && answer.TryGetProperty("ready", out var ready) && ready.ValueKind == JsonValueKind.True)
                {
                    _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                    return new NodeService(process, answer.Clone());
                }
            }

            throw new InvalidOperationException($"node {script} ended before it was ready (exit {process.ExitCode}): {await stderr}");
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
