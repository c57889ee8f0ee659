using System.Text;
using System.Threading.Channels;
using Postern.Audit;
using Postern.Storage;

namespace Postern.Bench;

/// <summary>
/// The least an answer can wait for to keep the audit's promise on this machine: the request's event, a fixed line of
/// an issuance's size, made durable in a file with one <c>pwrite</c> and one <c>fdatasync</c> per group of requests
/// (Postern's <see cref="AuditJournal"/> file writer, on a thread of its own), and nothing else: no serialization, no
/// chain, no index, no <see cref="AuditLog"/>. Finished segments are deleted as the writer goes. Only for measuring
/// (the floor with a bare durable write, <c>bench/svid/run.sh</c>).
/// </summary>
internal sealed class BareDurableWrite : IAsyncDisposable
{
    private const int MaxGroup = 256;

    private static readonly byte[] Line = Encoding.UTF8.GetBytes(
        """{"type":"jwt_svid.issued","time":"2026-12-06T22:11:40.1538810Z","id":"0639321919001538810-986aba3e","caller":"bot/bench","bot":"bench","audiences":["bench"],"attributes":{"workload.unix.uid":1000,"workload.unix.gid":1000,"workload.unix.pid":1,"workload.unix.exe":"/usr/bin/bench","workload.unix.exe_sha256":null},"jti":"01a24d69a9f85f9a7635df2988b229b6","spiffe_id":"spiffe://bench.example.com/uid/1000","workload_identity":"by-uid","ttl":"5m","expires":"2026-12-06T22:16:40.0000000\u002B00:00","kid":"tGB3onWsI-WGeLPINlaE3skzOFhmwZNMFXSrV8Bxtpc","actor":{"kind":"bot","name":"bench"},"client_addr":"127.0.0.1"}""");

    private readonly Channel<TaskCompletionSource> _queue = Channel.CreateUnbounded<TaskCompletionSource>(new UnboundedChannelOptions { SingleReader = true });
    private readonly AuditJournal _journal;
    private readonly Thread _thread;

    public BareDurableWrite(string folder)
    {
        _journal = AuditJournal.Open(folder, 64L << 20);
        _thread = new Thread(Write) { IsBackground = true, Name = "bare durable write" };
        _thread.Start();
    }

    /// <summary>Completes once this request's line is durable.</summary>
    public Task WriteAsync()
    {
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Writer.TryWrite(written);
        return written.Task;
    }

    public ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        _thread.Join();
        return ValueTask.CompletedTask;
    }

    private void Write()
    {
        var lines = Enumerable.Repeat(new BatchPut("/audit/bench", Line, null), MaxGroup).ToArray();
        var group = new List<TaskCompletionSource>(MaxGroup);
        AuditJournalPosition? last = null;
        while (BlockingRead.WaitToRead(_queue.Reader))
        {
            while (group.Count < MaxGroup && _queue.Reader.TryRead(out var next))
                group.Add(next);
            var position = _journal.Append(new ArraySegment<BatchPut>(lines, 0, group.Count));
            AuditJournal.Indexed([last?.Segment], position); // nothing is indexed: finished segments go at once
            last = position;
            group.ForEach(w => w.TrySetResult());
            group.Clear();
        }

        _journal.Close(last);
    }
}
