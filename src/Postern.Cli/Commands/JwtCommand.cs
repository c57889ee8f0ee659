using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Postern.Verification;

namespace Postern.Cli.Commands;

/// <summary><c>postern jwt verify</c>: checks any Postern token against a key set, with <c>Postern.Verification</c>.</summary>
internal static class JwtCommand
{
    public static Command Create()
    {
        var jwks = new Option<string>("--jwks") { Description = "The key set URL, e.g. https://postern:3080/.well-known/jwks.json.", Required = true };
        var audience = new Option<string?>("--aud") { Description = "The audience the token must carry." };
        var issuer = new Option<string?>("--iss") { Description = "The issuer the token must carry." };
        var caFile = new Option<string?>("--ca-file") { Description = "Trust this PEM certificate for the key set's TLS (e.g. data/tls/cert.pem)." };
        var insecure = new Option<bool>("--insecure") { Description = "Do not check the key set server's certificate (self-signed test servers only)." };
        var format = CommonOptions.Format();
        var token = new Argument<string>("token") { Description = "The compact JWT." };
        var verify = new Command("verify", "Verify a Postern token and print its claims, or why it was rejected.")
        {
            jwks, audience, issuer, caFile, insecure, format, token,
        };
        verify.SetAction((parse, cancellationToken) => VerifyAsync(
            parse.GetValue(jwks)!, parse.GetValue(audience), parse.GetValue(issuer), parse.GetValue(caFile), parse.GetValue(insecure),
            parse.GetValue(format), parse.GetValue(token)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken));
        return new Command("jwt", "Work with Postern tokens.") { verify };
    }

    private static async Task<int> VerifyAsync(
        string jwks, string? audience, string? issuer, string? caFile, bool insecure, OutputFormat format, string token, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(jwks, UriKind.Absolute, out var keySetUri) || (keySetUri.Scheme != Uri.UriSchemeHttps && keySetUri.Scheme != Uri.UriSchemeHttp))
        {
            await error.WriteLineAsync($"postern: --jwks '{jwks}' is not an absolute http:// or https:// URL").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        if (caFile is not null && !File.Exists(caFile))
        {
            await error.WriteLineAsync($"postern: --ca-file '{caFile}' not found").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        using var http = new HttpClient(TrustOptions.Handler(caFile, insecure));
        var cache = new JsonWebKeySetCache(http, keySetUri, TimeProvider.System);
        var validator = new PosternTokenValidator(
            cache,
            new PosternTokenValidatorOptions { Issuer = issuer, Audiences = audience is null ? null : [audience] },
            TimeProvider.System);
        var result = await validator.ValidateAsync(token.Trim(), cancellationToken).ConfigureAwait(false);

        if (format == OutputFormat.Json)
        {
            var answer = result.IsValid
                ? (object)new { valid = true, kid = result.Identity!.KeyId, claims = result.Identity.Claims }
                : new { valid = false, reason = ReasonCode(result.Rejection), message = result.Message };
            await output.WriteLineAsync(JsonSerializer.Serialize(answer)).ConfigureAwait(false);
        }
        else if (result.IsValid)
        {
            await output.WriteLineAsync($"valid: signed by {result.Identity!.KeyId}").ConfigureAwait(false);
            await output.WriteLineAsync(JsonSerializer.Serialize(result.Identity.Claims, new JsonSerializerOptions { WriteIndented = true })).ConfigureAwait(false);
        }
        else
        {
            await output.WriteLineAsync($"rejected ({ReasonCode(result.Rejection)}): {result.Message}").ConfigureAwait(false);
        }

        return result.IsValid ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static string ReasonCode(TokenRejection? rejection) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(rejection?.ToString() ?? "unknown");
}
