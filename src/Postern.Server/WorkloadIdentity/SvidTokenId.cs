using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Postern.Server.WorkloadIdentity;

/// <summary>
/// The <c>jti</c> of a JWT-SVID: 16 bytes as 32 lowercase hex characters, the first 6 bytes the issuance time in Unix
/// milliseconds (big-endian) and the other 10 random (80 bits, so ids of one millisecond do not collide). Ids made
/// later sort after earlier ones, so the audit log's <c>jti</c> index grows at its end: with wholly random ids each
/// event's index entry landed on a page of its own, and every group commit wrote (and fsynced) one page per event.
/// </summary>
internal static class SvidTokenId
{
    private const int TimeBytes = 6;

    /// <summary>A new id for a token issued at <paramref name="issued"/>.</summary>
    public static string New(DateTimeOffset issued)
    {
        Span<byte> id = stackalloc byte[16];
        var milliseconds = (ulong)issued.ToUnixTimeMilliseconds();
        BinaryPrimitives.WriteUInt64BigEndian(id, milliseconds << ((8 - TimeBytes) * 8));
        RandomNumberGenerator.Fill(id[TimeBytes..]);
        return Convert.ToHexStringLower(id);
    }
}
