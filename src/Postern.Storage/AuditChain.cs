using System.Globalization;
using System.Security.Cryptography;
using Postern.Audit;

namespace Postern.Storage;

/// <summary>
/// The hash chain one store handle appends to. Writes that carry audit events take turns on it (<see cref="TakeTurnAsync"/>):
/// the events are linked after the head while the turn is held, and the head moves only once their transaction has
/// committed (<see cref="Advance"/>). When a write fails after it may have reached the store, the outcome is unknown,
/// so the chain ends there and a new one begins (<see cref="Restart"/>): no position is ever handed out twice.
/// </summary>
internal sealed class AuditChain
{
    private readonly SemaphoreSlim _turn = new(1, 1);
    private long _sequence;
    private byte[] _head = [];

    public AuditChain() => Restart();

    /// <summary>The chain's id.</summary>
    public string Id { get; private set; } = "";

    /// <summary>The last committed event, or <c>null</c> before the first.</summary>
    public AuditChainHead? Head { get; private set; }

    /// <summary>Waits for this chain's turn; dispose the result to give it back.</summary>
    public async Task<IDisposable> TakeTurnAsync(CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Turn(_turn);
    }

    /// <summary>The rows of <paramref name="events"/> linked after the head, in order (under the turn).</summary>
    public AuditRow[] Link(IReadOnlyList<BatchPut> events, string parameterName)
    {
        var rows = new AuditRow[events.Count];
        var previous = _head;
        for (var i = 0; i < events.Count; i++)
        {
            var line = events[i].Value.ToArray();
            var columns = AuditLine.Read(line, parameterName);
            var hash = AuditChainHash.Link(previous, line);
            rows[i] = new AuditRow(Id, _sequence + i + 1, columns.Time, columns.Type, columns.Actor, columns.Jti, columns.Id, previous, hash, line);
            previous = hash;
        }

        return rows;
    }

    /// <summary>Moves the head past <paramref name="rows"/>, once they are committed (under the turn).</summary>
    public void Advance(AuditRow[] rows)
    {
        if (rows.Length == 0)
            return;
        var last = rows[^1];
        _sequence = last.Sequence;
        _head = last.Hash;
        Head = new AuditChainHead(Id, last.Sequence, last.Hash);
    }

    /// <summary>Ends this chain and begins a new one (under the turn, or before any write).</summary>
    public void Restart()
    {
        Id = string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}-{RandomNumberGenerator.GetHexString(12, lowercase: true)}");
        _sequence = 0;
        _head = AuditChainHash.Genesis(Id);
        Head = null;
    }

    private sealed class Turn(SemaphoreSlim turn) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                turn.Release();
        }
    }
}
