using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Postern.Server.Sso;

/// <summary>Why an SSO sign-in was refused: a stable code for the audit log and tools, and a message for the person.</summary>
internal sealed record SsoFailure(string Code, string Message)
{
    /// <summary>What the page says instead of the message when telling would say whether a Postern user of that name exists.</summary>
    public const string Withheld = "this account at the identity provider may not sign in to Postern; an administrator can see why in the audit log";

    /// <summary>
    /// What the person is shown: the message, except for the refusals that depend on the stored user of the name the
    /// claims give (taken by a local user or another connector, bound to another subject, not created), which all
    /// read <see cref="Withheld"/> with the same status. The log and the audit event keep the message.
    /// </summary>
    public string Shown => Code is "user_exists" or "subject_mismatch" or "user_unknown" ? Withheld : Message;

    /// <summary>The HTTP status of the page that says so.</summary>
    public int Status => Code switch
    {
        "provider_unreachable" => StatusCodes.Status502BadGateway,
        "client_secret_unreadable" => StatusCodes.Status503ServiceUnavailable,
        "no_role" or "email_domain" or "email_unverified" or "user_locked" or "user_exists" or "subject_mismatch" or "user_unknown" => StatusCodes.Status403Forbidden,
        _ => StatusCodes.Status401Unauthorized,
    };

    /// <summary>What a failure of the OpenID Connect handler (or of the provider behind it) means, in words.</summary>
    public static SsoFailure From(Exception? failure, string issuer, string clientId)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SsoRefusedException refused:
                    return refused.Failure;
                case SecurityTokenInvalidAudienceException:
                    return new("bad_audience", $"the identity provider's ID token is meant for another client, not for this connector's client id '{clientId}'");
                case SecurityTokenExpiredException:
                    return new("token_expired", "the identity provider's ID token has expired");
                case SecurityTokenNotYetValidException:
                    return new("token_not_yet_valid", "the identity provider's ID token is not valid yet (are the clocks in step?)");
                case SecurityTokenInvalidIssuerException:
                    return new("bad_issuer", $"the ID token was not issued by {issuer}");
                case SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException:
                    return new("bad_signature", "the ID token's signature does not verify against the identity provider's published keys");
                case OpenIdConnectProtocolInvalidNonceException:
                    return new("bad_nonce", "the ID token's nonce does not belong to the sign-in started in this browser");
                case OpenIdConnectProtocolException when e.Data["error"] is string error:
                    return error switch
                    {
                        "access_denied" => new("access_denied", "the identity provider did not let you sign in (access_denied)"),
                        "invalid_grant" => new("code_refused", "the identity provider refused the authorization code: it was already used, has expired, or belongs to another client"),
                        _ => new("provider_error", $"the identity provider answered with the error '{Clip(error)}'"),
                    };
                case HttpRequestException or TaskCanceledException or TimeoutException:
                    return Unreachable(issuer);
                case InvalidOperationException when e.Message.StartsWith("IDX20803", StringComparison.Ordinal):
                    return Unreachable(issuer);
                default:
                    break;
            }
        }

        var message = failure?.Message ?? "";
        return message switch
        {
            "Correlation failed." => new("correlation_failed", "this answer does not belong to a sign-in started in this browser, or the sign-in took too long; start again"),
            _ when message.Contains("state", StringComparison.OrdinalIgnoreCase) => new("bad_state", "the sign-in answer's state is missing or was altered, so Postern cannot trust it"),
            _ => new("sso_failed", "sign-in through the identity provider failed"),
        };
    }

    /// <summary>Whether <paramref name="exception"/>, thrown while starting a sign-in, means the provider cannot be reached.</summary>
    public static bool IsUnreachable(Exception exception, string issuer) => From(exception, issuer, "").Code == "provider_unreachable";

    private static SsoFailure Unreachable(string issuer) =>
        new("provider_unreachable", $"the identity provider at {issuer} cannot be reached; try again later");

    private static string Clip(string text) => text.Length <= 64 ? text : text[..64];
}

/// <summary>A refusal Postern itself raises inside the handler's flow (an unreadable client secret, an unsigned ID token).</summary>
internal sealed class SsoRefusedException(SsoFailure failure) : Exception(failure.Message)
{
    public SsoFailure Failure { get; } = failure;
}
