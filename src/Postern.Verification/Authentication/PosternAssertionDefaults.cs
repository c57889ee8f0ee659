namespace Postern.Verification;

/// <summary>Default values of the Postern assertion authentication scheme.</summary>
public static class PosternAssertionDefaults
{
    /// <summary>The default scheme name: <c>PosternAssertion</c>.</summary>
    public const string AuthenticationScheme = "PosternAssertion";

    /// <summary>
    /// The header Postern sends the assertion in: <c>Teleport-Jwt-Assertion</c>, the
    /// reference system's name, kept so that applications written for it work unchanged.
    /// </summary>
    public const string HeaderName = "Teleport-Jwt-Assertion";

    /// <summary>
    /// The prefix of the claim type of a trait value: the trait <c>logins</c> becomes claims
    /// of type <c>trait:logins</c>, one per value.
    /// </summary>
    public const string TraitClaimTypePrefix = "trait:";
}
