using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Postern.Agent.Server;

/// <summary>The HTTP handler for calls to the server, with the TLS trust the options ask for.</summary>
internal static class ServerHttpHandler
{
    /// <exception cref="AgentStartException">The CA file cannot be read.</exception>
    public static SocketsHttpHandler Create(AgentOptions options)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (options.InsecureSkipServerCertificateCheck)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
            return handler;
        }

        if (options.CaFile is null)
        {
            return handler;
        }

        X509Certificate2 trusted;
        try
        {
            trusted = X509CertificateLoader.LoadCertificateFromFile(options.CaFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new AgentStartException($"cannot read the CA file '{options.CaFile}': {e.Message}", e);
        }

        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (errors == SslPolicyErrors.None)
            {
                return true;
            }

            if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                return false;
            }

            // Chain the server's certificate to the given one only (it may be the certificate itself).
            using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            if (leaf.RawDataMemory.Span.SequenceEqual(trusted.RawDataMemory.Span))
            {
                return true;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(trusted);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(leaf);
        };
        return handler;
    }
}
