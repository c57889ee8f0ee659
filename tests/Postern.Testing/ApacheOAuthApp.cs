using System.Diagnostics;
using System.Net.Sockets;

namespace Postern.Testing;

/// <summary>
/// A real Apache with Debian's <c>mod_auth_openidc</c> as an app behind Postern that verifies the assertion itself: an
/// OAuth 2.0 resource server (<c>AuthType oauth20</c>) taking the token from <c>Authorization: Bearer</c>, verifying its
/// signature locally against Postern's key set (<c>OIDCOAuthVerifyJwksUri</c>) and, by default, requiring the app's
/// <c>aud</c> and the cluster's <c>iss</c> (<c>Require claim</c>): the module itself checks the signature, the
/// algorithm and <c>exp</c>, but neither <c>aud</c> nor <c>iss</c> of a bearer token. Every path answers <see cref="Body"/> to a verified caller. It runs as the
/// test's user in the foreground (<c>-DFOREGROUND</c>), from a temporary ServerRoot holding its config, pid file and
/// logs, on 127.0.0.1 at a port chosen when it is made, so that Postern can be configured with
/// <see cref="Address"/> before Apache, which needs Postern's key set address, starts. Killed and removed when disposed.
/// </summary>
public sealed class ApacheOAuthApp : IAsyncDisposable
{
    /// <summary>What Apache answers to a caller whose token it verified.</summary>
    public const string Body = "apache served a verified caller";

    private const string Modules = "/usr/lib/apache2/modules";

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("postern-apache-");
    private readonly int _port = FreePort.Next();
    private Process? _process;

    /// <summary>Where it listens, e.g. <c>http://127.0.0.1:41234</c> (also the audience it requires).</summary>
    public string Address => $"http://127.0.0.1:{_port}";

    /// <summary>Apache's error log, where <c>mod_auth_openidc</c> says why it refused a token.</summary>
    public string ErrorLog => Read("error.log");

    /// <summary>Apache's access log: one line per request, with the status and the <c>X-Postern-Probe</c> value.</summary>
    public string AccessLog => Read("access.log");

    /// <summary>
    /// Starts Apache verifying tokens with the keys at <paramref name="jwksUri"/> (served over TLS with the certificate
    /// in <paramref name="caBundle"/> when given), requiring the audience <see cref="Address"/> and the issuer
    /// <paramref name="issuer"/>; or, when <paramref name="requireClaims"/> is false, only what the module checks by
    /// itself (<c>Require valid-user</c>: any token whose signature and <c>exp</c> it verified).
    /// </summary>
    public async Task StartAsync(Uri jwksUri, string issuer, string? caBundle, bool requireClaims = true)
    {
        var require = requireClaims
            ? $"<RequireAll>\n        Require claim aud:{Address}\n        Require claim iss:{issuer}\n    </RequireAll>"
            : "Require valid-user";
        const string apache2 = "/usr/sbin/apache2";
        if (!File.Exists(apache2) || !File.Exists(Path.Combine(Modules, "mod_auth_openidc.so")))
        {
            throw new InvalidOperationException("apache2 or mod_auth_openidc is not installed; run tests/setup/apache.sh");
        }

        var root = _root.FullName;
        Directory.CreateDirectory(Path.Combine(root, "htdocs"));
        await File.WriteAllTextAsync(Path.Combine(root, "htdocs", "index.html"), Body);
        await File.WriteAllTextAsync(Path.Combine(root, "apache2.conf"), $$"""
            ServerRoot "{{root}}"
            ServerName 127.0.0.1
            Listen 127.0.0.1:{{_port}}
            PidFile "{{root}}/apache2.pid"
            DefaultRuntimeDir "{{root}}"
            Mutex file:{{root}} default
            ErrorLog "{{root}}/error.log"
            LogLevel warn auth_openidc:info
            LoadModule mpm_prefork_module {{Modules}}/mod_mpm_prefork.so
            LoadModule authn_core_module {{Modules}}/mod_authn_core.so
            LoadModule authz_core_module {{Modules}}/mod_authz_core.so
            LoadModule authz_user_module {{Modules}}/mod_authz_user.so
            LoadModule alias_module {{Modules}}/mod_alias.so
            LoadModule auth_openidc_module {{Modules}}/mod_auth_openidc.so
            StartServers 1
            MinSpareServers 1
            MaxSpareServers 2
            LogFormat "%h \"%r\" %>s probe=%{X-Postern-Probe}i" probe
            CustomLog "{{root}}/access.log" probe
            DocumentRoot "{{root}}/htdocs"
            AliasMatch "^/.*$" "{{root}}/htdocs/index.html"
            OIDCOAuthVerifyJwksUri {{jwksUri}}
            OIDCOAuthAcceptTokenAs header
            {{(caBundle is null ? "" : $"OIDCCABundlePath \"{caBundle}\"")}}
            OIDCCacheType shm
            <Location />
                AuthType oauth20
                {{require}}
            </Location>
            """);
        var start = new ProcessStartInfo(apache2) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in (string[])["-d", root, "-f", Path.Combine(root, "apache2.conf"), "-DFOREGROUND"])
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start)!;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                var stderr = await _process.StandardError.ReadToEndAsync();
                throw new InvalidOperationException($"apache2 exited with {_process.ExitCode}: {stderr}\n{ErrorLog}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", _port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException("apache2 did not listen within 30 s");
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            // SIGKILL to the parent leaves its prefork children; they exit when they find the listener's parent gone.
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _root.Delete(recursive: true);
    }

    private string Read(string name) => File.Exists(Path.Combine(_root.FullName, name)) ? File.ReadAllText(Path.Combine(_root.FullName, name)) : "";
}
