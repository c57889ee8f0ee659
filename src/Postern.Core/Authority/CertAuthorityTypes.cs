namespace Postern.Authority;

/// <summary>Names and store keys of <see cref="CertAuthorityType"/>.</summary>
public static class CertAuthorityTypes
{
    /// <summary>The issuing authorities, in a fixed order.</summary>
    public static IReadOnlyList<CertAuthorityType> All { get; } = [CertAuthorityType.Jwt, CertAuthorityType.Workload, CertAuthorityType.X509];

    /// <summary>The store folder that holds the authorities.</summary>
    public const string StorePrefix = "/authorities/";

    /// <summary>The name used in files, the store and the command line: <c>jwt</c>, <c>workload</c>, <c>x509</c> or <c>audit</c>.</summary>
    public static string Name(this CertAuthorityType type) => type switch
    {
        CertAuthorityType.Jwt => "jwt",
        CertAuthorityType.Workload => "workload",
        CertAuthorityType.Audit => "audit",
        CertAuthorityType.X509 => "x509",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>The store key of the authority, e.g. <c>/authorities/jwt</c>.</summary>
    public static string StoreKey(this CertAuthorityType type) => StorePrefix + type.Name();
}
