using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Postern.Verification;

/// <summary>
/// Authenticates a request by the Postern assertion in its header: none is no result, a bad
/// one fails with the rejection's message, a good one yields the user with their roles and
/// traits as claims.
/// </summary>
internal sealed class PosternAssertionHandler(IOptionsMonitor<PosternAssertionOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<PosternAssertionOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var values = Request.Headers[Options.HeaderName];
        if (values.Count == 0)
        {
            return AuthenticateResult.NoResult();
        }

        if (values.Count > 1 || string.IsNullOrEmpty(values[0]))
        {
            return AuthenticateResult.Fail($"The request must carry exactly one non-empty {Options.HeaderName} header.");
        }

        var validator = Options.TokenValidator
            ?? throw new InvalidOperationException($"The scheme '{Scheme.Name}' has no validator: its options were not post-configured.");
        var result = await validator.ValidateAsync(values[0]!, Context.RequestAborted).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return AuthenticateResult.Fail(result.Message);
        }

        var identity = result.Identity;
        var principal = new ClaimsPrincipal(new PosternClaimsIdentity(identity, Scheme.Name));
        var properties = new AuthenticationProperties { ExpiresUtc = identity.ExpiresAt, IssuedUtc = identity.IssuedAt };
        return AuthenticateResult.Success(new AuthenticationTicket(principal, properties, Scheme.Name));
    }
}
