using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Postern.Bench.Soak;

/// <summary>
/// TLS to Postern's own certificate (data/tls/cert.pem): the chain must end at that certificate. The name is not
/// checked: every address here is a loopback one, and the app's host name is only there to choose the app.
/// </summary>
internal static class ServerTrust
{
    public static SslClientAuthenticationOptions Options(string caFile)
    {
        var root = X509Certificate2.CreateFromPem(File.ReadAllText(caFile));
        return new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                if (certificate is null)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(root);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
            },
        };
    }

    public static HttpClient Client(string caFile) =>
        new(new SocketsHttpHandler { SslOptions = Options(caFile) }) { Timeout = TimeSpan.FromSeconds(30) };
}
