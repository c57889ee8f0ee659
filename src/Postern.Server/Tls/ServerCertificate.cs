using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Postern.Configuration;

namespace Postern.Server.Tls;

/// <summary>
/// The web door's certificate: the configured PEM pair, or a self-signed one generated into
/// <c>data_dir/tls/</c> on first start and kept, so that clients can pin or trust it.
/// </summary>
internal static class ServerCertificate
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(365);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    /// <summary>The path of the generated certificate, for clients to trust (e.g. <c>NODE_EXTRA_CA_CERTS</c>).</summary>
    public static string GeneratedCertPath(string dataDir) => Path.Combine(dataDir, "tls", "cert.pem");

    public static X509Certificate2 Load(PosternConfig config, TimeProvider time)
    {
        if (config.Tls.CertFile is { } certFile && config.Tls.KeyFile is { } keyFile)
        {
            return LoadPem(certFile, keyFile);
        }

        var certPath = GeneratedCertPath(config.DataDir);
        var keyPath = Path.Combine(config.DataDir, "tls", "key.pem");
        if (File.Exists(certPath) && File.Exists(keyPath))
        {
            var existing = LoadPem(certPath, keyPath);
            if (existing.NotAfter.ToUniversalTime() - time.GetUtcNow().UtcDateTime > RenewBefore)
            {
                return existing;
            }

            existing.Dispose();
        }

        return Generate(config, certPath, keyPath, time);
    }

    private static X509Certificate2 LoadPem(string certFile, string keyFile)
    {
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(certFile, keyFile);
            // Round-trip through PKCS#12 so that the key is usable by the TLS stack on every platform.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"cannot load the TLS certificate {certFile} with key {keyFile}: {e.Message}", e);
        }
    }

    private static X509Certificate2 Generate(PosternConfig config, string certPath, string keyPath, TimeProvider time)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={config.ClusterName}, O=Postern self-signed", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var dns in new[] { "localhost", "*.localhost", Dns.GetHostName(), config.ClusterName, config.PublicAddr?.Host }
            .Concat(config.Apps.Select(a => a.PublicAddr.Split(':')[0])).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (IPAddress.TryParse(dns, out var ip))
            {
                names.AddIpAddress(ip);
            }
            else
            {
                names.AddDnsName(dns);
            }
        }

        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        if (!config.ListenAddr.Address.Equals(IPAddress.Any) && !config.ListenAddr.Address.Equals(IPAddress.IPv6Any) && !IPAddress.IsLoopback(config.ListenAddr.Address))
        {
            names.AddIpAddress(config.ListenAddr.Address);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));

        var now = time.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.Add(Lifetime));

        PrivateFolder.Create(Path.GetDirectoryName(certPath)!);
        PrivateFile.Write(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n", overwrite: true);
        File.WriteAllText(certPath, certificate.ExportCertificatePem() + "\n");
        return LoadPem(certPath, keyPath);
    }
}
