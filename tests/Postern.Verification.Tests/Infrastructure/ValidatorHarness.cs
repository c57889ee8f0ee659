using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace Postern.Verification.Tests.Infrastructure;

/// <summary>
/// A key set server publishing <see cref="TestKeys.Rsa"/> and <see cref="TestKeys.Ec"/>, a fake
/// clock, and a cache and validator wired to them, expecting <see cref="TokenBuilder.Issuer"/>
/// and <see cref="TokenBuilder.Audience"/>.
/// </summary>
internal sealed class ValidatorHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2030, 1, 1, 9, 0, 0, TimeSpan.Zero);

    // Decompressing, as the authentication scheme's own client does: the size limit counts decompressed bytes.
    private readonly HttpClient _httpClient = new(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.All });

    private ValidatorHarness(JwksServer server, JsonWebKeySetCacheOptions? cacheOptions, PosternTokenValidatorOptions? validatorOptions)
    {
        Server = server;
        Cache = new JsonWebKeySetCache(_httpClient, server.KeySetUri, Clock, cacheOptions);
        Validator = new PosternTokenValidator(Cache, validatorOptions ?? DefaultOptions, Clock);
    }

    public static PosternTokenValidatorOptions DefaultOptions { get; } = new()
    {
        Issuer = TokenBuilder.Issuer,
        Audiences = [TokenBuilder.Audience],
    };

    public FakeTimeProvider Clock { get; } = new(Start);

    public JwksServer Server { get; }

    public JsonWebKeySetCache Cache { get; }

    public PosternTokenValidator Validator { get; }

    /// <summary>A builder of a valid token at the fake clock's current time.</summary>
    public TokenBuilder Token() => new(Clock.GetUtcNow());

    public ValueTask<PosternTokenValidationResult> ValidateAsync(string token) => Validator.ValidateAsync(token, CancellationToken.None);

    public static async Task<ValidatorHarness> StartAsync(
        JsonWebKeySetCacheOptions? cacheOptions = null,
        PosternTokenValidatorOptions? validatorOptions = null) =>
        new(await JwksServer.StartAsync(TestKeys.Rsa, TestKeys.Ec), cacheOptions, validatorOptions);

    public async ValueTask DisposeAsync()
    {
        _httpClient.Dispose();
        await Server.DisposeAsync();
    }
}
