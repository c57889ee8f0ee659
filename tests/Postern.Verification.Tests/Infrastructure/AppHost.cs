using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Postern.Verification.Tests.Infrastructure;

/// <summary>
/// An application behind Postern, on real Kestrel (127.0.0.1, port 0), authenticating with
/// <c>AddPosternAssertion</c>. <c>/whoami</c> requires a user and echoes
/// <c>name|roles|logins|jti</c>; <c>/editors</c> requires the role <c>editor</c>.
/// </summary>
internal sealed class AppHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AppHost(WebApplication app)
    {
        _app = app;
        Client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
    }

    public HttpClient Client { get; }

    public static WebApplication Build(Action<PosternAssertionOptions> configure)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddAuthentication(PosternAssertionDefaults.AuthenticationScheme).AddPosternAssertion(configure);
        builder.Services.AddAuthorization();
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/whoami", (HttpContext context) =>
        {
            var roles = context.User.FindAll(ClaimTypes.Role).Select(claim => claim.Value);
            var logins = context.User.FindAll("trait:logins").Select(claim => claim.Value);
            return $"{context.User.Identity!.Name}|{string.Join(',', roles)}|{string.Join(',', logins)}|{context.GetPosternIdentity()?.TokenId}";
        }).RequireAuthorization();
        app.MapGet("/editors", () => "welcome, editor").RequireAuthorization(policy => policy.RequireRole("editor"));
        return app;
    }

    public static async Task<AppHost> StartAsync(Action<PosternAssertionOptions> configure)
    {
        var app = Build(configure);
        await app.StartAsync();
        return new AppHost(app);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
    }
}
