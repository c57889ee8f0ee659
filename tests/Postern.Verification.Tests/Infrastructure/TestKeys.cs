namespace Postern.Verification.Tests.Infrastructure;

/// <summary>Keys shared by the tests (key generation is the slow part): the published RSA and EC keys.</summary>
internal static class TestKeys
{
    public static TestKey Rsa { get; } = TestKey.Rsa("rsa-key");

    public static TestKey Ec { get; } = TestKey.EcP256("ec-key");

    /// <summary>A key that is never published.</summary>
    public static TestKey Stranger { get; } = TestKey.Rsa("stranger");
}
