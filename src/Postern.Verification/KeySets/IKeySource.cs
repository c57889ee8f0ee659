namespace Postern.Verification;

/// <summary>Where a <see cref="PosternTokenValidator"/> finds the key a token names: a fetched and cached key set, or one held in memory.</summary>
internal interface IKeySource
{
    /// <summary>What messages call the key set, e.g. <c>the key set at https://…/jwks.json</c>.</summary>
    string Description { get; }

    ValueTask<KeyLookup> FindAsync(string keyId, CancellationToken cancellationToken);
}
