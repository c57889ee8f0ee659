using System.Diagnostics;
using System.Net.Sockets;

namespace Postern.Testing;

/// <summary>
/// A real nginx as an app behind Postern, with nginx's default request header limits (<c>large_client_header_buffers
/// 4 8k</c>: a header line over 8 KiB is answered 400). It runs as the test's user, in the foreground with no worker
/// processes (<c>master_process off</c>), from a temporary prefix holding its config, logs and temp folders, on
/// 127.0.0.1 at a free port; every request gets 200 and <see cref="Body"/>. Killed and removed when disposed.
/// </summary>
public sealed class NginxUpstream : IAsyncDisposable
{
    /// <summary>What nginx answers to every request it accepts.</summary>
    public const string Body = "nginx served the request";

    private readonly Process _process;
    private readonly DirectoryInfo _prefix;

    private NginxUpstream(Process process, DirectoryInfo prefix, int port)
    {
        _process = process;
        _prefix = prefix;
        Address = $"http://127.0.0.1:{port}";
    }

    /// <summary>Where it listens, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Address { get; }

    public static async Task<NginxUpstream> StartAsync()
    {
        var nginx = new[] { "/usr/sbin/nginx", "/usr/bin/nginx" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("nginx is not installed; run tests/setup/nginx.sh");
        var prefix = Directory.CreateTempSubdirectory("postern-nginx-");
        var port = FreePort.Next();
        var root = prefix.FullName;
        await File.WriteAllTextAsync(Path.Combine(root, "nginx.conf"), $$"""
            daemon off;
            master_process off;
            pid {{root}}/nginx.pid;
            error_log {{root}}/error.log info;
            events { worker_connections 64; }
            http {
                access_log {{root}}/access.log;
                client_body_temp_path {{root}}/body;
                proxy_temp_path {{root}}/proxy;
                fastcgi_temp_path {{root}}/fastcgi;
                uwsgi_temp_path {{root}}/uwsgi;
                scgi_temp_path {{root}}/scgi;
                server {
                    listen 127.0.0.1:{{port}};
                    location / { default_type text/plain; return 200 "{{Body}}"; }
                }
            }
            """);
        var start = new ProcessStartInfo(nginx) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in (string[])["-p", root, "-c", Path.Combine(root, "nginx.conf"), "-e", Path.Combine(root, "error.log")])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        var upstream = new NginxUpstream(process, prefix, port);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                var log = File.Exists(Path.Combine(root, "error.log")) ? await File.ReadAllTextAsync(Path.Combine(root, "error.log")) : "";
                var stderr = await process.StandardError.ReadToEndAsync();
                await upstream.DisposeAsync();
                throw new InvalidOperationException($"nginx exited with {process.ExitCode}: {stderr}\n{log}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port);
                return upstream;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        await upstream.DisposeAsync();
        throw new TimeoutException("nginx did not listen within 30 s");
    }

    /// <summary>nginx's access log: one line per request it read, with the status it answered.</summary>
    public string AccessLog => File.Exists(Path.Combine(_prefix.FullName, "access.log")) ? File.ReadAllText(Path.Combine(_prefix.FullName, "access.log")) : "";

    /// <summary>
    /// The access log once it contains <paramref name="text"/>, or as it is after <paramref name="timeout"/>: nginx writes a
    /// request's line after it has sent the answer, so a client can see the answer before the line is there.
    /// </summary>
    public async Task<string> AccessLogContainingAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var log = AccessLog;
        while (!log.Contains(text, StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50).ConfigureAwait(false);
            log = AccessLog;
        }

        return log;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _prefix.Delete(recursive: true);
    }
}
