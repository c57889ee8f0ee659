using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Postern.Agent.Tests.Infrastructure;
using Postern.Agent.WorkloadApi;
using Postern.Testing;

namespace Postern.Agent.Tests.EndToEnd;

/// <summary>
/// The FetchX509SVID stream over time, with X.509-SVIDs of 10 s: a new SVID (with a new key) before the old one's
/// half-life, and a new bundle at each phase of a rotation of the x509 authority, during which SVIDs signed by the old and
/// the new CA both verify against the bundle.
/// </summary>
public sealed class X509SvidStreamTests : IAsyncLifetime
{
    private ServerWithAgent _setup = null!;

    public async Task InitializeAsync() => _setup = await ServerWithAgent.StartAsync("workload_identity: { x509: { default_ttl: 10s, max_ttl: 10s } }");

    public async Task DisposeAsync() => await _setup.DisposeAsync();

    private static async Task<(X509Certificate2 Leaf, List<byte[]> Bundle, byte[] Key)> NextAsync(AsyncServerStreamingCall<X509SVIDResponse> call)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        Assert.True(await call.ResponseStream.MoveNext(timeout.Token), "the X.509-SVID stream ended");
        var svid = Assert.Single(call.ResponseStream.Current.Svids);
        var bundle = SplitDer(svid.Bundle.ToByteArray());
        return (X509CertificateLoader.LoadCertificate(svid.X509Svid.ToByteArray()), bundle, svid.X509SvidKey.ToByteArray());
    }

    // Concatenated DER certificates, one by one (each a SEQUENCE whose length says where it ends).
    private static List<byte[]> SplitDer(byte[] der)
    {
        var certificates = new List<byte[]>();
        for (var at = 0; at < der.Length;)
        {
            System.Formats.Asn1.AsnDecoder.ReadEncodedValue(der.AsSpan(at), System.Formats.Asn1.AsnEncodingRules.DER, out _, out _, out var length);
            certificates.Add(der[at..(at + length)]);
            at += length;
        }

        return certificates;
    }

    private async Task<bool> VerifiesAsync(X509Certificate2 leaf, List<byte[]> bundle, string name)
    {
        var leafPath = Openssl.WritePem(_setup.Dir.File(name + ".pem"), [leaf.RawData]);
        var bundlePath = Openssl.WritePem(_setup.Dir.File(name + "-bundle.pem"), bundle);
        return (await Openssl.RunAsync("verify", "-CAfile", bundlePath, leafPath)).Exit == 0;
    }

    [Fact]
    public async Task A_new_SVID_with_a_new_key_comes_before_the_old_one_is_half_way_through_its_life()
    {
        using var client = new WorkloadClient(_setup.SocketPath);
        using var call = client.Api.FetchX509SVID(new X509SVIDRequest(), WorkloadClient.SecurityHeader);

        var first = await NextAsync(call);
        var second = await NextAsync(call);
        var received = DateTime.UtcNow;

        Assert.NotEqual(first.Leaf.SerialNumber, second.Leaf.SerialNumber);
        Assert.NotEqual(first.Key, second.Key);
        Assert.NotEqual(first.Leaf.PublicKey.ExportSubjectPublicKeyInfo(), second.Leaf.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.True(received < first.Leaf.NotAfter.ToUniversalTime(), $"the renewal came at {received:O}, after the first SVID expired ({first.Leaf.NotAfter.ToUniversalTime():O})");
        Assert.Equal(TimeSpan.FromSeconds(40), first.Leaf.NotAfter - first.Leaf.NotBefore);
    }

    [Fact]
    public async Task Each_phase_of_an_x509_rotation_reaches_the_stream_and_old_and_new_SVIDs_both_verify_during_the_overlap()
    {
        using var client = new WorkloadClient(_setup.SocketPath);
        using var call = client.Api.FetchX509SVID(new X509SVIDRequest(), WorkloadClient.SecurityHeader);
        var standby = await NextAsync(call);
        var oldCa = Assert.Single(standby.Bundle);

        await _setup.RotateX509Async("init");
        var init = await NextUntilAsync(call, s => s.Bundle.Count == 2);
        Assert.Equal(oldCa, init.Bundle[0]);
        var newCa = init.Bundle[1];
        Assert.Equal(X509CertificateLoader.LoadCertificate(oldCa).Subject, init.Leaf.Issuer);

        await _setup.RotateX509Async("update_clients");
        var update = await NextUntilAsync(call, s => s.Bundle.Count == 2 && s.Bundle[0].AsSpan().SequenceEqual(newCa));
        Assert.Equal(X509CertificateLoader.LoadCertificate(newCa).Subject, update.Leaf.Issuer);
        Assert.True(await VerifiesAsync(init.Leaf, update.Bundle, "old-signed"), "an SVID the old CA signed must verify during update_clients");
        Assert.True(await VerifiesAsync(update.Leaf, update.Bundle, "new-signed"), "an SVID the new CA signed must verify during update_clients");
        Assert.True(await VerifiesAsync(update.Leaf, init.Bundle, "new-signed-init"), "the bundle of init already trusts the new CA");

        await _setup.RotateX509Async("standby");
        var done = await NextUntilAsync(call, s => s.Bundle.Count == 1);
        Assert.Equal(newCa, done.Bundle[0]);
        Assert.False(await VerifiesAsync(standby.Leaf, done.Bundle, "old-after"), "the old CA is no longer trusted after the rotation");
    }

    // The stream also renews at half-life; skip those messages until the one the step brings.
    private static async Task<(X509Certificate2 Leaf, List<byte[]> Bundle, byte[] Key)> NextUntilAsync(AsyncServerStreamingCall<X509SVIDResponse> call, Func<(X509Certificate2 Leaf, List<byte[]> Bundle, byte[] Key), bool> condition)
    {
        for (var i = 0; i < 20; i++)
        {
            var next = await NextAsync(call);
            if (condition(next))
            {
                return next;
            }
        }

        throw new Xunit.Sdk.XunitException("the stream did not bring the rotation's bundle within 20 messages");
    }
}
