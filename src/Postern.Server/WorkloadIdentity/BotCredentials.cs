using System.Collections.Concurrent;
using Postern.Server.State;
using Postern.Storage;

namespace Postern.Server.WorkloadIdentity;

/// <summary>The bots' credentials this instance has seen, by hash, followed from the store by the cluster state's watch.</summary>
internal sealed class BotCredentials : IStateFollower
{
    private readonly ConcurrentDictionary<string, BotCredentialRecord> _byHash = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Prefixes { get; } = [BotCredentialRecord.Prefix];

    public bool ReadsAtLoad => true;

    /// <summary>The bot credential whose hash is <paramref name="hash"/>, as far as this instance has seen.</summary>
    public BotCredentialRecord? Find(string hash) => _byHash.GetValueOrDefault(hash);

    public void Clear() => _byHash.Clear();

    public void Apply(Change change)
    {
        var hash = change.Key[BotCredentialRecord.Prefix.Length..];
        if (change.Kind == ChangeKind.Put && StoreJson.TryDeserialize<BotCredentialRecord>(change.Value) is { } credential)
        {
            _byHash[hash] = credential;
        }
        else
        {
            _byHash.TryRemove(hash, out _);
        }
    }
}
