namespace Postern.Authority;

/// <summary>A compact JWT and the <c>kid</c> of the key that signed it.</summary>
public sealed record SignedToken(string Value, string KeyId);
