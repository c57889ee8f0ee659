using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Postern.Agent.Attestation;
using Postern.Agent.Bundles;
using Postern.Agent.Server;

namespace Postern.Agent.Outputs;

/// <summary>
/// Keeps the files of <see cref="FileOutputOptions"/> current for the agent's own process as the workload: written at
/// once, again before half their life is over and whenever the X.509 bundle changes. Each token file is replaced whole
/// (<see cref="PrivateFile.Write(string, string, bool, UnixFileMode)"/>: a temporary file, flushed to disk, renamed over
/// the old one) and the X.509 files together (<see cref="X509FileSet"/>), so a reader or a crash never sees a truncated
/// file or a certificate beside another's key; keys and tokens are 0600, certificates 0644. After
/// each round that changed a file, the <c>--on-change</c> command runs, and the <c>--on-change-signal</c> is sent to the
/// process in the <c>--on-change-pid-file</c>.
/// </summary>
internal sealed class FileOutputs(ServerLink link, FileOutputOptions options, UnixWorkload self, TimeProvider time, ILogger logger)
{
    private const UnixFileMode Public = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(1);
    private readonly Dictionary<string, string> _written = [];
    private readonly X509FileSet _x509Files = new(options.Folder);

    /// <summary>The agent's own process as the workload the files are for: its uid and gid (from <c>/proc/self/status</c>), pid and executable.</summary>
    public static UnixWorkload Self(UnixAttestor attestor)
    {
        var status = File.ReadAllLines("/proc/self/status");
        uint Field(string name) => uint.Parse(status.First(l => l.StartsWith(name, StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        return new UnixWorkload(Field("Uid:"), Field("Gid:"), Environment.ProcessId, attestor.ReadExecutable(Environment.ProcessId));
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        RemoveStaleTemporaryFiles();
        _x509Files.RemoveStale();
        while (!cancellationToken.IsCancellationRequested)
        {
            var bundle = link.X509Bundles.Current;
            DateTimeOffset next;
            try
            {
                next = await WriteAllAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Whatever failed, the files already there stay, and the next round tries again.
                logger.OutputsUnavailable(options.Folder, e.Message);
                next = time.GetUtcNow() + Retry;
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var due = next - time.GetUtcNow();
            try
            {
                await Task.WhenAny(Task.Delay(due > TimeSpan.Zero ? due : TimeSpan.Zero, time, wait.Token), link.X509Bundles.NextAsync(bundle, wait.Token)).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            finally
            {
                await wait.CancelAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Fetches and writes every file; returns when the next round is due.</summary>
    private async Task<DateTimeOffset> WriteAllAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var next = now + TimeSpan.FromHours(1);
        var changed = new List<string>();
        var x509 = await link.FetchX509SvidAsync(self, cancellationToken).ConfigureAwait(false);
        if (x509.Svid is { } svid)
        {
            // The three together, or the certificate could meet another certificate's key.
            _x509Files.Replace([
                ("svid.pem", Pem(svid.Certificates), Public),
                ("svid_key.pem", new string(PemEncoding.Write("PRIVATE KEY", x509.PrivateKey)) + "\n", PrivateFile.Mode),
                ("bundle.pem", Pem(svid.Bundle), Public),
            ]);
            changed.Add("svid.pem, svid_key.pem, bundle.pem");
            next = Earlier(next, x509.RenewAt);
        }
        else
        {
            logger.OutputsUnavailable(options.Folder, x509.Message);
            next = now + Retry;
        }

        foreach (var audience in options.Audiences)
        {
            var jwt = await link.FetchSvidsAsync(self, [audience], cancellationToken).ConfigureAwait(false);
            if (jwt.Svids.Count == 0)
            {
                logger.OutputsUnavailable(options.Folder, jwt.Message);
                next = now + Retry;
                continue;
            }

            var name = FileOutputOptions.TokenFileName(audience);
            var token = jwt.Svids[0];
            var isNew = !_written.TryGetValue(name, out var previous) || previous != token.JwtSvid;
            Write(name, token.JwtSvid, PrivateFile.Mode, changed);

            // A token from the agent's cache may be past half its life already: the cache renews it, ask again soon.
            next = Earlier(next, isNew ? now + ((token.Expires - now) / 2) : now + Retry);
        }

        if (changed.Count > 0)
        {
            logger.OutputsWritten(string.Join(", ", changed), options.Folder);
            await RunOnChangeAsync(cancellationToken).ConfigureAwait(false);
            if (options.OnChangeSignal is { } signal && PidFileSignaller.Send(signal) is { } notSent)
            {
                // Not fatal: the daemon may be restarting; the next change signals again.
                logger.OnChangeSignalFailed(signal.Name, notSent);
            }
        }

        return next;
    }

    private void Write(string name, string content, UnixFileMode mode, List<string> changed)
    {
        if (_written.TryGetValue(name, out var previous) && previous == content)
        {
            return;
        }

        PrivateFile.Write(Path.Combine(options.Folder, name), content, overwrite: true, mode);
        _written[name] = content;
        changed.Add(name);
    }

    private async Task RunOnChangeAsync(CancellationToken cancellationToken)
    {
        if (options.OnChange is not { } command)
        {
            return;
        }

        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = options.Folder };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        start.Environment["POSTERN_OUTPUT_DIR"] = Path.GetFullPath(options.Folder);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            logger.OnChangeFailed(process.ExitCode, ((await output.ConfigureAwait(false)) + (await errors.ConfigureAwait(false))).Trim());
        }
    }

    // A crash between creating a temporary file and renaming it leaves the temporary file: never the target half-written.
    private void RemoveStaleTemporaryFiles()
    {
        if (!Directory.Exists(options.Folder))
        {
            return;
        }

        foreach (var stale in Directory.EnumerateFiles(options.Folder, ".*.tmp"))
        {
            File.Delete(stale);
        }
    }

    private static string Pem(IEnumerable<string> certificates) =>
        string.Concat(certificates.Select(c => new string(PemEncoding.Write("CERTIFICATE", Convert.FromBase64String(c))) + "\n"));

    private static DateTimeOffset Earlier(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
