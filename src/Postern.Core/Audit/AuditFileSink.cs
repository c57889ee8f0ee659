using Microsoft.Extensions.Logging;
using Postern.Storage;

namespace Postern.Audit;

/// <summary>
/// Copies the events this instance commits (its store handle's chains) to a file of JSON lines, one event per line
/// exactly as stored, for log shippers. When the file would pass the size limit it is renamed to <c>.1</c> (and older
/// ones to <c>.2</c>…, up to the number kept) and a new file begun. The store stays the record: the file is a copy, and
/// what an instance that died had not yet copied stays in the store only.
/// </summary>
public sealed class AuditFileSink : IAsyncDisposable
{
    private readonly IAuditStore _store;
    private readonly string _path;
    private readonly long _maxBytes;
    private readonly int _keep;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly HashSet<string> _chains = new(StringComparer.Ordinal);
    private readonly Task _copying;
    private FileStream? _file;

    /// <summary>Starts copying to <paramref name="path"/>, looking for new events every <paramref name="poll"/>.</summary>
    public AuditFileSink(IAuditStore store, string path, long maxBytes, int keep, TimeProvider time, TimeSpan poll, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        _store = store;
        _path = path;
        _maxBytes = maxBytes;
        _keep = keep;
        _logger = logger;
        var follower = new AuditFollower(store, time, poll);
        _copying = Task.Run(() => CopyAsync(follower, _stopping.Token));
    }

    /// <summary>Copies what is committed, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _copying.ConfigureAwait(false);
        if (_file is not null)
            await _file.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task CopyAsync(AuditFollower follower, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await foreach (var e in follower.FollowAsync(Mine, stopping).ConfigureAwait(false))
                    await WriteAsync(e.Line).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
            {
                _logger.AuditFileSinkFailed(_path, e); // the follower keeps its place: it goes on from there
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>This instance's chains: the one its store handle appends to now, and those it appended to before.</summary>
    private bool Mine(string chain)
    {
        _chains.Add(_store.ChainId);
        return _chains.Contains(chain);
    }

    private async Task WriteAsync(byte[] line)
    {
        if (_file is null || _file.Length + line.Length + 1 > _maxBytes && _file.Length > 0)
            await RotateAsync().ConfigureAwait(false);
        await _file!.WriteAsync(line).ConfigureAwait(false);
        _file.WriteByte((byte)'\n');
        await _file.FlushAsync().ConfigureAwait(false);
    }

    private async Task RotateAsync()
    {
        if (_file is not null)
        {
            await _file.DisposeAsync().ConfigureAwait(false);
            _file = null;
            File.Delete($"{_path}.{_keep}");
            for (var i = _keep - 1; i >= 1; i--)
            {
                if (File.Exists($"{_path}.{i}"))
                    File.Move($"{_path}.{i}", $"{_path}.{i + 1}");
            }

            File.Move(_path, _path + ".1");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = PrivateFile.Mode;
        _file = new FileStream(_path, options);
    }
}
