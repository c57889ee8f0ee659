using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Postern.Configuration;
using Postern.Identity;
using Postern.Resources;
using Postern.Server.Demo;
using Postern.Storage;
using Postern.Server.Users;

namespace Postern.Server;

/// <summary>
/// What <c>postern start --demo</c> adds: the built-in demo app behind the proxy at
/// <c>demo.localhost</c>, and an <c>admin</c> user whose new password is printed once.
/// </summary>
public sealed class DemoSetup : IAsyncDisposable
{
    /// <summary>The demo admin's user name.</summary>
    public const string AdminUser = "admin";

    private readonly DemoApp _app;

    private DemoSetup(DemoApp app, string appPublicUrl, string adminPassword)
    {
        _app = app;
        AppPublicUrl = appPublicUrl;
        AdminPassword = adminPassword;
    }

    /// <summary>Where a browser opens the demo app, e.g. <c>https://demo.localhost:3080/</c>.</summary>
    public string AppPublicUrl { get; }

    /// <summary>The admin's password, made at this start and shown once; only its hash is stored.</summary>
    public string AdminPassword { get; }

    /// <summary>The demo app's own (upstream) address.</summary>
    public Uri AppAddress => _app.Address;

    internal static async Task<DemoSetup> StartAsync(PosternHost host, CancellationToken cancellationToken)
    {
        HttpMessageHandler? jwksHandler = null;
        if (host.GeneratedCertificatePath is { } certPath)
        {
            var trusted = X509CertificateLoader.LoadCertificateFromFile(certPath);
            jwksHandler = new SocketsHttpHandler
            {
                SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(trusted.RawData) },
            };
        }

        var app = await DemoApp.StartAsync(new DemoAppOptions
        {
            JwksUri = new Uri(host.BoundAddress, "/.well-known/jwks.json"),
            Issuer = host.Config.ClusterName,
            JwksHandler = jwksHandler,
        }, cancellationToken).ConfigureAwait(false);

        var publicAddr = $"demo.localhost:{host.BoundAddress.Port}";
        var appConfig = new AppConfig
        {
            Name = "demo",
            Uri = app.Address,
            PublicAddr = publicAddr,
            Labels = new Dictionary<string, string> { ["env"] = "demo" },
        };
        var store = host.Store;
        var revision = await store.PutAsync(ResourceJson.StoreKey("app", "demo"), ResourceJson.Serialize(AppResource.Of(appConfig)), null, cancellationToken).ConfigureAwait(false);

        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var users = new UserDirectory(store);
        for (var attempt = 0; ; attempt++)
        {
            var existing = await users.GetAsync(AdminUser, cancellationToken).ConfigureAwait(false);
            var admin = (existing?.User ?? new User
            {
                Name = AdminUser,
                Roles = [.. PresetRoles.All.Select(r => r.Name)],
                Traits = new Dictionary<string, IReadOnlyList<string>> { ["logins"] = ["root"] },
                CreatedAt = host.Time.GetUtcNow(),
            }) with { PasswordHash = Passwords.Hash(password) };
            var write = await users.WriteAsync(admin, existing?.Revision ?? Revision.Absent, cancellationToken).ConfigureAwait(false);
            if (write.Succeeded || attempt == 3)
            {
                revision = Math.Max(revision, write.Revision);
                break;
            }
        }

        await host.Cluster.WaitForRevisionAsync(revision, cancellationToken).ConfigureAwait(false);
        return new DemoSetup(app, $"{host.Config.Scheme}://{publicAddr}/", password);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
