namespace Postern.Configuration;

/// <summary>What an app's assertion carries besides the user's name (<c>rewrite.jwt_claims</c>).</summary>
public enum JwtClaimsMode
{
    /// <summary><c>roles-and-traits</c>, the default.</summary>
    RolesAndTraits,

    /// <summary><c>roles</c>.</summary>
    Roles,

    /// <summary><c>traits</c>.</summary>
    Traits,

    /// <summary><c>none</c>.</summary>
    None,
}
