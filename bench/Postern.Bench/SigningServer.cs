using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Postern.Bench;

/// <summary>
/// The floor under the issuance benchmark: a bare Kestrel endpoint that reads the request body and answers with one
/// signature (RS256, or the algorithm given after the port), with no authentication, policy or audit. What it loses against the raw signing rate is the
/// cost of HTTP and of the load generator on the same cores.
/// </summary>
internal static class SigningServer
{
    public static async Task<int> RunAsync(string[] args)
    {
        var port = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        using var signer = new BenchSigner(args.Length > 2 ? args[2] : "RS256");
        var input = new byte[420];
        RandomNumberGenerator.Fill(input);
        app.MapPost("/v1/workload-identity/jwt-svids", async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var signature = signer.Sign(input);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"jwt_svid\":\"" + Convert.ToBase64String(signature) + "\"}");
        });
        await app.RunAsync();
        return 0;
    }
}
