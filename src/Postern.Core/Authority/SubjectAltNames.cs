using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Postern.Authority;

/// <summary>
/// The subject alternative name extension of SPIFFE certificates, with the URI written exactly as given:
/// <see cref="SubjectAlternativeNameBuilder"/> takes a <see cref="Uri"/>, whose normal form adds a <c>/</c> to a bare trust
/// domain (<c>spiffe://example.org/</c>, which is not a SPIFFE ID).
/// </summary>
public static class SubjectAltNames
{
    private static readonly Asn1Tag DnsName = new(TagClass.ContextSpecific, 2);
    private static readonly Asn1Tag UniformResourceIdentifier = new(TagClass.ContextSpecific, 6);

    /// <summary>A non-critical extension holding one URI (<paramref name="uri"/>) and then <paramref name="dnsNames"/>.</summary>
    public static X509Extension Build(string uri, IReadOnlyList<string> dnsNames)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteCharacterString(UniversalTagNumber.IA5String, uri, UniformResourceIdentifier);
            foreach (var name in dnsNames)
            {
                writer.WriteCharacterString(UniversalTagNumber.IA5String, name, DnsName);
            }
        }

        return new X509Extension("2.5.29.17", writer.Encode(), critical: false);
    }
}
