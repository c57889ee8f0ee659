using System.Buffers.Text;
using System.Text;

namespace Postern.Server.Tests.Pkcs11;

/// <summary>
/// Looks through the SQLite store's files (postern.db, and its -wal and -shm while a server runs) for
/// private key material: a sealed <c>private_key</c>, or the start of a PKCS#8 RSA or P-256 private key,
/// raw or in base64 at any alignment.
/// </summary>
internal static class StoreScan
{
    private static readonly byte[] Pkcs8Rsa = [0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00];

    private static readonly byte[] Pkcs8P256 =
        [0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];

    private static readonly List<(string Name, byte[] Pattern)> Patterns =
    [
        ("a sealed private_key", Encoding.UTF8.GetBytes("\"private_key\":{")),
        .. Encodings("PKCS#8 RSA", Pkcs8Rsa),
        .. Encodings("PKCS#8 EC P-256", Pkcs8P256),
    ];

    /// <summary>What the store files in <paramref name="dataDir"/> hold, by pattern name; empty when nothing.</summary>
    public static List<string> PrivateKeyMaterial(string dataDir)
    {
        var files = Directory.GetFiles(dataDir, "postern.db*");
        Assert.Contains(Path.Combine(dataDir, "postern.db"), files);
        return [.. files.SelectMany(f => PrivateKeyMaterial(Read(f))).Distinct()];
    }

    /// <summary>What <paramref name="content"/> holds, by pattern name.</summary>
    public static List<string> PrivateKeyMaterial(byte[] content) =>
        [.. Patterns.Where(p => content.AsSpan().IndexOf(p.Pattern) >= 0).Select(p => p.Name).Distinct()];

    // Base64 maps 3 bytes to 4 characters, so the prefix, wherever it starts, has one of three encodings
    // (from its first, second or third byte) in any base64 text that contains it.
    private static IEnumerable<(string, byte[])> Encodings(string name, byte[] prefix)
    {
        yield return ($"{name} (DER)", prefix);
        for (var shift = 0; shift < 3; shift++)
        {
            var aligned = prefix[shift..(shift + ((prefix.Length - shift) / 3 * 3))];
            yield return ($"{name} (base64)", Encoding.ASCII.GetBytes(Convert.ToBase64String(aligned)));
            yield return ($"{name} (base64url)", Encoding.ASCII.GetBytes(Base64Url.EncodeToString(aligned)));
        }
    }

    private static byte[] Read(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        file.CopyTo(copy);
        return copy.ToArray();
    }
}
