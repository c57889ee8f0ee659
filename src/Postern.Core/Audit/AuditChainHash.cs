using System.Security.Cryptography;
using System.Text;

namespace Postern.Audit;

/// <summary>
/// The hashes of an audit chain. An event's hash is SHA-256 over its predecessor's hash and its line of JSON, byte
/// for byte as stored: the line is the canonical form, so every field counts, those added later included. The first
/// event's predecessor is the chain's genesis, a hash of the chain id, so that an event cannot move to another chain.
/// </summary>
public static class AuditChainHash
{
    /// <summary>The length of every hash.</summary>
    public const int Length = SHA256.HashSizeInBytes;

    /// <summary>The predecessor of a chain's first event.</summary>
    public static byte[] Genesis(string chain) => SHA256.HashData(Encoding.UTF8.GetBytes("postern audit chain\n" + chain));

    /// <summary>The hash of an event whose line is <paramref name="line"/> and whose predecessor's hash is <paramref name="previous"/>.</summary>
    public static byte[] Link(ReadOnlySpan<byte> previous, ReadOnlySpan<byte> line)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(previous);
        hash.AppendData(line);
        return hash.GetHashAndReset();
    }
}
