using System.Net;
using System.Text.Json.Nodes;
using Postern.Verification.Tests.Infrastructure;

namespace Postern.Verification.Tests.Authentication;

/// <summary>An application using <c>AddPosternAssertion</c>, served by real Kestrel, with the key set on another.</summary>
public sealed class PosternAssertionHandlerTests : IAsyncLifetime
{
    private JwksServer _keySet = null!;
    private AppHost _app = null!;

    public async Task InitializeAsync()
    {
        _keySet = await JwksServer.StartAsync(TestKeys.Rsa, TestKeys.Ec);
        _app = await AppHost.StartAsync(options =>
        {
            options.KeySetUri = _keySet.KeySetUri;
            options.RequireHttpsKeySet = false;
            options.Issuer = TokenBuilder.Issuer;
            options.Audiences.Add(TokenBuilder.Audience);
        });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _keySet.DisposeAsync();
    }

    [Fact]
    public async Task A_valid_assertion_authenticates_the_user_with_roles_and_traits()
    {
        var token = new TokenBuilder(DateTimeOffset.UtcNow);

        using var response = await GetAsync("/whoami", token.SignedBy(TestKeys.Rsa));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"alice|access,editor|root,ubuntu|{token.TokenId}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Roles_become_role_claims_that_policies_check()
    {
        var now = DateTimeOffset.UtcNow;

        using var editor = await GetAsync("/editors", new TokenBuilder(now).SignedBy(TestKeys.Ec));
        using var viewer = await GetAsync("/editors", new TokenBuilder(now).Claim("roles", new JsonArray("access")).SignedBy(TestKeys.Ec));

        Assert.Equal(HttpStatusCode.OK, editor.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, viewer.StatusCode);
    }

    [Fact]
    public async Task No_assertion_is_401()
    {
        using var response = await GetAsync("/whoami", token: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_tampered_assertion_is_401()
    {
        var token = TokenBuilder.WithSignatureByteFlipped(new TokenBuilder(DateTimeOffset.UtcNow).SignedBy(TestKeys.Rsa));

        using var response = await GetAsync("/whoami", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task An_assertion_for_another_app_is_401()
    {
        var token = new TokenBuilder(DateTimeOffset.UtcNow).Claim("aud", new JsonArray("http://10.0.0.7:8080")).SignedBy(TestKeys.Rsa);

        using var response = await GetAsync("/whoami", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Two_assertion_headers_are_401()
    {
        var token = new TokenBuilder(DateTimeOffset.UtcNow).SignedBy(TestKeys.Rsa);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/whoami");
        request.Headers.TryAddWithoutValidation(PosternAssertionDefaults.HeaderName, [token, token]);

        using var response = await _app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task One_key_set_fetch_serves_many_requests()
    {
        for (var i = 0; i < 5; i++)
        {
            using var response = await GetAsync("/whoami", new TokenBuilder(DateTimeOffset.UtcNow).SignedBy(TestKeys.Rsa));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(1, _keySet.RequestCount);
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation(PosternAssertionDefaults.HeaderName, token);
        }

        return await _app.Client.SendAsync(request);
    }
}
