using System.Security.Cryptography.X509Certificates;

namespace Postern.Authority;

/// <summary>A signed X.509-SVID leaf and what it chains to.</summary>
/// <param name="Leaf">The leaf certificate, DER.</param>
/// <param name="Serial">Its serial number, lower-case hex.</param>
/// <param name="Expires">Its <c>notAfter</c>.</param>
/// <param name="Kid">The x509 authority key that signed it.</param>
/// <param name="Bundle">The trust domain's CA certificates when it was signed (every phase of a rotation), the signer's first.</param>
public sealed record SignedX509Svid(byte[] Leaf, string Serial, DateTimeOffset Expires, string Kid, IReadOnlyList<X509Certificate2> Bundle);
