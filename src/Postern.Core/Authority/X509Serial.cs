using System.Security.Cryptography;

namespace Postern.Authority;

/// <summary>Certificate serial numbers: 128 random bits, positive, in minimal DER (a leading <c>0x01</c> byte).</summary>
public static class X509Serial
{
    /// <summary>A new serial number, big-endian, 17 bytes.</summary>
    public static byte[] New()
    {
        var serial = new byte[17];
        serial[0] = 0x01;
        RandomNumberGenerator.Fill(serial.AsSpan(1));
        return serial;
    }
}
