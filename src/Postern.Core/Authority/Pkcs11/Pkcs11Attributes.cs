using Net.Pkcs11Interop.HighLevelAPI;

namespace Postern.Authority.Pkcs11;

/// <summary>Attribute lists hold their values in unmanaged memory: freed here rather than by the finaliser.</summary>
internal static class Pkcs11Attributes
{
    public static void DisposeAll(this List<IObjectAttribute> attributes)
    {
        foreach (var attribute in attributes)
        {
            attribute.Dispose();
        }
    }
}
