using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Postern.Verification;

/// <summary>Reach the typed <see cref="PosternIdentity"/> of a request authenticated by a Postern assertion.</summary>
public static class PosternPrincipalExtensions
{
    /// <summary>
    /// The verified Postern identity behind <paramref name="principal"/>, or null when no
    /// Postern assertion authenticated it.
    /// </summary>
    public static PosternIdentity? GetPosternIdentity(this ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        foreach (var identity in principal.Identities)
        {
            if (identity is PosternClaimsIdentity postern)
            {
                return postern.Token;
            }
        }

        return null;
    }

    /// <summary>
    /// The verified Postern identity of the request's user, or null when no Postern assertion
    /// authenticated it.
    /// </summary>
    public static PosternIdentity? GetPosternIdentity(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.User.GetPosternIdentity();
    }
}
