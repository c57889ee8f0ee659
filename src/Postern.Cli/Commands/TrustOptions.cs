using System.CommandLine;
using System.Security.Cryptography.X509Certificates;

namespace Postern.Cli.Commands;

/// <summary>How a command that talks to a Postern server by URL decides to trust its certificate.</summary>
internal static class TrustOptions
{
    public static Option<string?> CaFile() => new("--ca-file") { Description = "Trust this PEM certificate for the server's TLS (e.g. data/tls/cert.pem)." };

    public static Option<bool> Insecure() => new("--insecure") { Description = "Do not check the server's certificate (self-signed test servers only)." };

    /// <summary>
    /// A handler that accepts what the system trusts, or a chain to <paramref name="caFile"/>, or (with
    /// <paramref name="insecure"/>) anything.
    /// </summary>
    public static SocketsHttpHandler Handler(string? caFile, bool insecure)
    {
        var handler = new SocketsHttpHandler();
        if (insecure)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }
        else if (caFile is not null)
        {
            var trusted = X509CertificateLoader.LoadCertificateFromFile(caFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                if (errors == System.Net.Security.SslPolicyErrors.None)
                {
                    return true;
                }

                if (certificate is null || (errors & System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                {
                    return false;
                }

                using var custom = new X509Chain();
                custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                custom.ChainPolicy.CustomTrustStore.Add(trusted);
                custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return custom.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
            };
        }

        return handler;
    }
}
