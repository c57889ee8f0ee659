using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Postern.Testing;

namespace Postern.Agent.Tests.Infrastructure;

/// <summary>
/// <c>tests/interop/verify-stream.mjs</c> running for as long as it is needed: a jose verifier with one
/// remote key set per kind of token, created once, as a long-lived resource server would hold it.
/// Tokens are sent as JSON lines and the answers matched by id.
/// </summary>
internal sealed class JoseStream : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JoseAnswer>> _pending = new();
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly StringBuilder _stderr = new();
    private readonly Task _reader;
    private long _nextId;

    private JoseStream(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _process.BeginErrorReadLine();
        _reader = Task.Run(ReadAnswersAsync);
    }

    /// <summary>Starts the verifier for the key sets of <paramref name="server"/> (jwt: issuer <paramref name="cluster"/>; workload: its workload issuer).</summary>
    public static JoseStream Start(TestPostern server, string cluster)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepoPaths.Interop,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in (string[])[
            "verify-stream.mjs",
            "--jwt-jwks", server.BaseUrl + "/.well-known/jwks.json",
            "--jwt-iss", cluster,
            "--workload-jwks", server.BaseUrl + "/workload-identity/jwt-jwks.json",
            "--workload-iss", server.BaseUrl + "/workload-identity"])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NODE_EXTRA_CA_CERTS"] = server.CertificatePath;
        return new JoseStream(Process.Start(start)!);
    }

    /// <summary>Has jose verify <paramref name="token"/> of <paramref name="kind"/> (<c>jwt</c> or <c>workload</c>) for <paramref name="audience"/>.</summary>
    public async Task<JoseAnswer> VerifyAsync(string kind, string token, string audience)
    {
        var id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<JoseAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        var line = JsonSerializer.Serialize(new { id, kind, token, aud = audience });
        await _writeGate.WaitAsync();
        try
        {
            await _process.StandardInput.WriteLineAsync(line);
            await _process.StandardInput.FlushAsync();
        }
        finally
        {
            _writeGate.Release();
        }

        try
        {
            return await answer.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"verify-stream.mjs did not answer token {id} within 30 s; stderr: {Stderr}");
        }
    }

    private string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    private async Task ReadAnswersAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            var answer = JsonDocument.Parse(line).RootElement.Clone();
            if (answer.GetProperty("id").ValueKind == JsonValueKind.Number && _pending.TryRemove(answer.GetProperty("id").GetInt64(), out var waiting))
            {
                waiting.TrySetResult(new JoseAnswer(
                    answer.GetProperty("ok").GetBoolean(),
                    answer.TryGetProperty("kid", out var kid) ? kid.GetString() : null,
                    answer.TryGetProperty("code", out var code) ? code.GetString() : null,
                    answer.TryGetProperty("error", out var error) ? error.GetString() : null));
            }
        }

        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var waiting))
            {
                waiting.TrySetException(new InvalidOperationException($"verify-stream.mjs ended before answering token {id}; stderr: {Stderr}"));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is TimeoutException or IOException)
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }
        }

        await _reader.WaitAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
        _writeGate.Dispose();
    }
}
