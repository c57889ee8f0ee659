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
        var audience = new Option<string?>("--aud") { Description = "The audience the token must carry (an app's uri, a workload's audience). Required unless --insecure-any-audience." };
        var issuer = new Option<string?>("--iss") { Description = "The issuer the token must carry (the cluster name, or the workload identity issuer URL). Required unless --insecure-any-issuer." };
        var anyAudience = new Option<bool>("--insecure-any-audience") { Description = "Accept a token of any audience (to inspect a token; it says nothing about whether a given service should accept it)." };
        var anyIssuer = new Option<bool>("--insecure-any-issuer") { Description = "Accept a token of any issuer." };
        var caFile = new Option<string?>("--ca-file") { Description = "Trust this PEM certificate for the key set's TLS (e.g. data/tls/cert.pem)." };
        var insecure = new Option<bool>("--insecure") { Description = "Do not check the key set server's certificate (self-signed test servers only)." };
        var format = CommonOptions.Format();
        var token = new Argument<string>("token") { Description = "The compact JWT." };
        var verify = new Command("verify", "Verify a Postern token and print its claims, or why it was rejected.")
        {
            jwks, audience, issuer, anyAudience, anyIssuer, caFile, insecure, format, token,
        };
        verify.SetAction((parse, cancellationToken) => VerifyAsync(
            parse.GetValue(jwks)!,
            new Expected(parse.GetValue(audience), parse.GetValue(anyAudience), parse.GetValue(issuer), parse.GetValue(anyIssuer)),
            parse.GetValue(caFile), parse.GetValue(insecure),
            parse.GetValue(format), parse.GetValue(token)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken));
        return new Command("jwt", "Work with Postern tokens.") { verify };
    }

    private static async Task<int> VerifyAsync(
        string jwks, Expected expected, string? caFile, bool insecure, OutputFormat format, string token, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {

        if (!Uri.TryCreate(jwks, UriKind.Absolute, out var keySetUri) || (keySetUri.Scheme != Uri.UriSchemeHttps && keySetUri.Scheme != Uri.UriSchemeHttp))
        {
            await error.WriteLineAsync($"postern: --jwks '{jwks}' is not an absolute http:// or https:// URL").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        if (expected.Problem() is { } problem)
        {
            await error.WriteLineAsync($"postern: {problem}").ConfigureAwait(false);
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
            new PosternTokenValidatorOptions
            {
                Issuer = expected.Issuer,
                DangerouslyAcceptAnyIssuer = expected.AnyIssuer,
                Audiences = expected.Audience is null ? null : [expected.Audience],
                DangerouslyAcceptAnyAudience = expected.AnyAudience,
            },
            TimeProvider.System);
        var result = await validator.ValidateAsync(token.Trim(), cancellationToken).ConfigureAwait(false);
        if (result.IsValid)
        {
            foreach (var warning in expected.Unchecked())
            {
                await error.WriteLineAsync($"postern: warning: {warning}").ConfigureAwait(false);
            }
        }

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

    /// <summary>What the token must carry: an audience and an issuer, each unless its <c>--insecure-any-…</c> flag says otherwise.</summary>
    private sealed record Expected(string? Audience, bool AnyAudience, string? Issuer, bool AnyIssuer)
    {
        public string? Problem() =>
            (Audience, AnyAudience, Issuer, AnyIssuer) switch
            {
                ({ }, true, _, _) => "give either --aud or --insecure-any-audience, not both (--aud and --insecure-any-audience)",
                (_, _, { }, true) => "give either --iss or --insecure-any-issuer, not both (--iss and --insecure-any-issuer)",
                (null, false, _, _) => "--aud is required: the audience the token must carry (an app's uri, a workload's audience); "
                    + "--insecure-any-audience accepts any",
                (_, _, null, false) => "--iss is required: the issuer the token must carry (the cluster name, or the workload identity issuer URL); "
                    + "--insecure-any-issuer accepts any",
                _ => null,
            };

        public IEnumerable<string> Unchecked()
        {
            if (AnyIssuer)
            {
                yield return "issuer not checked (--insecure-any-issuer)";
            }

            if (AnyAudience)
            {
                yield return "audience not checked (--insecure-any-audience)";
            }
        }
    }

    private static string ReasonCode(TokenRejection? rejection) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(rejection?.ToString() ?? "unknown");
}
