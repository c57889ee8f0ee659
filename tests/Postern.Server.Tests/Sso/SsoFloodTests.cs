using System.Net;
using Postern.Server.Tests.Infrastructure;
using Postern.Sso;

namespace Postern.Server.Tests.Sso;

/// <summary>
/// Strangers at the SSO doors: the login start and the callback share one budget per client address, so junk
/// callbacks (each of which may be audited as a refused sign-in) are answered 429 past it.
/// </summary>
public sealed class SsoFloodTests : RunningServerTests
{
    [Theory]
    [InlineData("callback")]
    [InlineData("login")]
    public async Task An_address_flooding_an_sso_door_is_answered_429_with_Retry_After(string door)
    {
        using var flooder = SourceAddressClient.Create(Server, IPAddress.Parse("127.0.0.8"));
        var path = door == "callback" ? OidcConnector.CallbackPath("nobody") + "?state=junk&code=junk" : OidcConnector.LoginPath("nobody");
        HttpResponseMessage? limited = null;
        var statuses = new HashSet<HttpStatusCode>();
        for (var i = 0; i < 300 && limited is null; i++)
        {
            var response = await flooder.GetAsync(path);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.True(limited is not null, $"300 requests to {path} from one address were answered {string.Join(", ", statuses)}");
        using (limited)
        {
            Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {limited.Headers.RetryAfter}");
        }

        using var neighbour = SourceAddressClient.Create(Server, IPAddress.Parse("127.0.0.9"));
        using var answer = await neighbour.GetAsync(path);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, answer.StatusCode);
    }
}
