using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Postern.Verification;

/// <summary>
/// Builds each scheme's validator and its key set cache once, when the scheme's options are
/// first read. Options with problems are left for <see cref="PosternAssertionOptionsValidator"/>
/// to report.
/// </summary>
internal sealed class PosternAssertionPostConfigureOptions(ILoggerFactory loggerFactory, TimeProvider timeProvider)
    : IPostConfigureOptions<PosternAssertionOptions>
{
    public void PostConfigure(string? name, PosternAssertionOptions options)
    {
        options.TimeProvider ??= timeProvider;
        if (options.TokenValidator is not null || PosternAssertionOptionsValidator.Problems(options).Any())
        {
            return;
        }

        options.Backchannel ??= CreateBackchannel(options.KeySetCache.FetchTimeout);
        var keySet = new JsonWebKeySetCache(
            options.Backchannel,
            options.KeySetUri!,
            options.TimeProvider,
            options.KeySetCache,
            loggerFactory.CreateLogger<JsonWebKeySetCache>());
        options.TokenValidator = new PosternTokenValidator(
            keySet,
            options.ToValidatorOptions(),
            options.TimeProvider,
            loggerFactory.CreateLogger<PosternTokenValidator>());
    }

    private static HttpClient CreateBackchannel(TimeSpan timeout)
    {
        // Long-lived, so connections are recycled to follow DNS changes of the key set's host.
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.All,
        };
        var client = new HttpClient(handler) { Timeout = timeout };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("Postern.Verification");
        return client;
    }
}
