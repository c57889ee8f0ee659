using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography.X509Certificates;

namespace Postern.WorkloadIdentity.Api;

/// <summary>
/// An X.509-SVID request read and checked (<see cref="TryParse"/>): the checked CSR's public key, optionally a lifetime and
/// one SPIFFE ID of those the caller may have, and the workload's attested Unix attributes when an agent asks.
/// </summary>
public sealed record X509SvidOrder(PublicKey Key, TimeSpan? Ttl, string? SpiffeId, UnixAttributes? Unix)
{
    /// <summary>
    /// Reads an <see cref="X509SvidRequest"/> body from <paramref name="caller"/> and checks it: the CSR by
    /// <see cref="SvidSigningRequest"/>, the lifetime against <paramref name="maxTtl"/> (<c>workload_identity.x509.max_ttl</c>),
    /// attested attributes only from an agent (<see cref="SvidRequestRefusalCode.NotAnAgent"/>). The refusal says what to change.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> json, WorkloadCaller caller, TimeSpan maxTtl, [NotNullWhen(true)] out X509SvidOrder? order, [NotNullWhen(false)] out SvidRequestRefusal? error)
    {
        order = null;
        var problem = Read(json, maxTtl, out var read, out var ttl, out var unix);
        if (problem is null && unix is not null && SvidRequest.NotAnAgent(caller) is { } notAnAgent)
        {
            error = new SvidRequestRefusal(SvidRequestRefusalCode.NotAnAgent, notAnAgent);
            return false;
        }

        if (problem is not null)
        {
            error = new SvidRequestRefusal(SvidRequestRefusalCode.BadRequest, problem);
            return false;
        }

        byte[] der;
        try
        {
            der = Convert.FromBase64String(read!.Csr);
        }
        catch (FormatException)
        {
            error = new SvidRequestRefusal(SvidRequestRefusalCode.BadRequest, "csr: expected the DER request in standard base64 (not PEM)");
            return false;
        }

        if (SvidSigningRequest.Check(der, out var bad) is not { } key)
        {
            // A request the caller signed wrongly, or asks for more than it may: refused and recorded, like a claim it may not make.
            error = new SvidRequestRefusal(SvidRequestRefusalCode.BadSigningRequest, bad!);
            return false;
        }

        order = new X509SvidOrder(key, ttl, read.SpiffeId, unix);
        error = null;
        return true;
    }

    private static string? Read(ReadOnlySpan<byte> json, TimeSpan maxTtl, out X509SvidRequest? read, out TimeSpan? ttl, out UnixAttributes? unix)
    {
        ttl = null;
        unix = null;
        if (!WorkloadApiJson.TryRead(json, WorkloadApiJsonContext.Default.X509SvidRequest, ProblemAt, out read, out var unreadable))
        {
            return unreadable;
        }

        if (read.Csr is null)
        {
            return "csr: required, the PKCS#10 request in base64";
        }

        if (SvidRequest.ReadTtl(read.Ttl, out ttl) is { } badTtl)
        {
            return badTtl;
        }

        if (SvidRequest.ReadWorkload(read.Workload, out unix) is { } badWorkload)
        {
            return badWorkload;
        }

        if (ttl is { } value && (value < TimeSpan.FromSeconds(5) || value > maxTtl))
        {
            return $"ttl: '{Durations.Format(value)}' is outside 5s to {Durations.Format(maxTtl)} (workload_identity.x509.max_ttl)";
        }

        return read.SpiffeId is not null && WorkloadIdentity.SpiffeId.Check(read.SpiffeId, out _, out _) is { } badId ? $"spiffe_id: {badId}" : null;
    }

    private static string ProblemAt(string path) => WorkloadApiJson.MemberOf(path) switch
    {
        "csr" => "csr: required, the PKCS#10 request in base64",
        "ttl" => "ttl: expected a duration such as \"1h\"",
        "spiffe_id" => "spiffe_id: expected a string",
        "workload" => SvidRequest.WorkloadProblemAt(path),
        _ => WorkloadApiJson.NotAnObject,
    };
}
