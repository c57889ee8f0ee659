using System.Collections.Concurrent;
using Postern.Storage;

namespace Postern.Server.State;

/// <summary>
/// Which bots were issued which SPIFFE IDs (<see cref="SvidHolderRecord"/>), followed from the store. The issuer writes a
/// record the first time a bot gets a SPIFFE ID, and again when less than half of the record's life is left: one write
/// per bot and SPIFFE ID a half-day, not one per issuance.
/// </summary>
internal sealed class SvidHolders : IStateFollower
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, DateTimeOffset>> _bySpiffeId = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Prefixes { get; } = [SvidHolderRecord.Prefix];

    public bool ReadsAtLoad => true;

    /// <summary>The bots whose record for <paramref name="spiffeId"/> is in force at <paramref name="now"/>, by name.</summary>
    public IReadOnlyList<string> BotsHolding(string spiffeId, DateTimeOffset now) =>
        _bySpiffeId.TryGetValue(spiffeId, out var bots) ? [.. bots.Where(b => b.Value > now).Select(b => b.Key).Order(StringComparer.Ordinal)] : [];

    /// <summary>Whether <paramref name="bot"/>'s record for <paramref name="spiffeId"/> is missing or past half its life.</summary>
    public bool NeedsRecord(string bot, string spiffeId, DateTimeOffset now) =>
        !_bySpiffeId.TryGetValue(spiffeId, out var bots) || !bots.TryGetValue(bot, out var expires) || expires - now < SvidHolderRecord.Lifetime / 2;

    /// <summary>Notes a record just written, so that concurrent issuances do not write it again before the watch brings it.</summary>
    public void Note(SvidHolderRecord record) =>
        _bySpiffeId.GetOrAdd(record.SpiffeId, _ => new(StringComparer.Ordinal))[record.Bot] = record.Expires;

    public void Clear() => _bySpiffeId.Clear();

    public void Apply(Change change)
    {
        if (change.Kind == ChangeKind.Put && StoreJson.TryDeserialize<SvidHolderRecord>(change.Value) is { } record)
        {
            Note(record);
            return;
        }

        // A deletion names the key only: find the bot and hash in it.
        var rest = change.Key[SvidHolderRecord.Prefix.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return;
        }

        var bot = rest[..slash];
        foreach (var (spiffeId, bots) in _bySpiffeId)
        {
            if (SvidHolderRecord.KeyOf(bot, spiffeId) == change.Key)
            {
                bots.TryRemove(bot, out _);
            }
        }
    }
}
