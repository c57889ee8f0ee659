using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Postern.Verification;

namespace Postern.Bench.Soak;

/// <summary>
/// The app behind the proxy: answers 200 to a request whose <c>Teleport-Jwt-Assertion</c> verifies against the jwt
/// authority's published key set (issuer, audience, signature, lifetime), and 401 with the reason otherwise. A
/// rotation that let the proxy sign with a key verifiers cannot have yet would show as failed app requests.
/// The key set address and Postern's certificate come from SOAK_SERVER and SOAK_CA.
/// </summary>
internal static class VerifyingUpstream
{
    public static async Task RunAsync(int port, string issuer, string audience)
    {
        var server = new Uri(Environment.GetEnvironmentVariable("SOAK_SERVER") ?? throw new InvalidOperationException("SOAK_SERVER is not set"));
        using var keySetClient = ServerTrust.Client(Environment.GetEnvironmentVariable("SOAK_CA") ?? throw new InvalidOperationException("SOAK_CA is not set"));
        var keys = new JsonWebKeySetCache(keySetClient, new Uri(server, "/.well-known/jwks.json"), TimeProvider.System);
        var validator = new PosternTokenValidator(keys, new PosternTokenValidatorOptions { Issuer = issuer, Audiences = [audience] }, TimeProvider.System);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.Run(async context =>
        {
            var result = await validator.ValidateAsync(context.Request.Headers["Teleport-Jwt-Assertion"].ToString(), context.RequestAborted);
            context.Response.StatusCode = result.IsValid ? StatusCodes.Status200OK : StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsync(result.IsValid ? "ok\n" : $"{result}\n", context.RequestAborted);
        });
        await app.RunAsync();
    }
}
