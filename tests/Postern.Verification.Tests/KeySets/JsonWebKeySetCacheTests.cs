using System.Net;
using System.Text.Json.Nodes;
using Postern.Verification.Tests.Infrastructure;

namespace Postern.Verification.Tests.KeySets;

/// <summary>When the key set is fetched: counted at a real Kestrel server, with the fake clock moved by hand.</summary>
public sealed class JsonWebKeySetCacheTests
{
    private static readonly JsonWebKeySetCacheOptions Options = new()
    {
        DefaultCacheDuration = TimeSpan.FromMinutes(5),
        MinimumCacheDuration = TimeSpan.FromMinutes(1),
        MaximumCacheDuration = TimeSpan.FromHours(1),
        RefreshInterval = TimeSpan.FromSeconds(30),
    };

    /// <summary>Keys of every kind, generated once: the slow part of these tests.</summary>
    private static readonly Lazy<JsonObject[]> MixedKeySet = new(() =>
    [
        TestKey.Rsa("sig-rsa").ToJwk(),
        TestKey.EcP256("no-use-ec").ToJwk(use: null, alg: null),
        TestKey.Rsa("svid-rsa").ToJwk(use: "jwt-svid"),
        TestKey.Rsa("enc-rsa").ToJwk(use: "enc"),
        TestKey.Rsa("rsa-1024", bits: 1024).ToJwk(),
        TestKey.Rsa("rsa-rs512").ToJwk(alg: "RS512"),
        TestKey.EcP384("ec-p384").ToJwk(),
        TestKey.Rsa("rsa-as-es256").ToJwk(alg: "ES256"),
        TestKey.Rsa("encrypt-only").ToJwk(use: null).Also(jwk => jwk["key_ops"] = new JsonArray("encrypt")),
        new JsonObject { ["kty"] = "oct", ["kid"] = "oct", ["k"] = "c2VjcmV0" },
        TestKey.Rsa().ToJwk().Also(jwk => jwk.Remove("kid")),
    ]);

    [Fact]
    public async Task Fetches_nothing_until_asked_then_serves_lookups_from_memory()
    {
        await using var harness = await ValidatorHarness.StartAsync(Options);
        Assert.Equal(0, harness.Server.RequestCount);

        for (var i = 0; i < 5; i++)
        {
            Assert.True((await harness.ValidateAsync(harness.Token().SignedBy(i % 2 == 0 ? TestKeys.Rsa : TestKeys.Ec))).IsValid);
        }

        Assert.Equal(1, harness.Server.RequestCount);
    }

    [Theory]
    [InlineData("public, max-age=120", 120)]
    [InlineData(null, 300)]              // absent: the default
    [InlineData("max-age=5", 60)]        // clamped up to the minimum
    [InlineData("no-cache", 60)]         // as short as allowed
    [InlineData("max-age=86400", 3600)]  // clamped down to the maximum
    public async Task Keeps_the_key_set_as_long_as_max_age_says_within_bounds(string? cacheControl, int keptForSeconds)
    {
        await using var harness = await ValidatorHarness.StartAsync(Options);
        harness.Server.CacheControl = cacheControl;
        await AssertValidAsync(harness);
        Assert.Equal(1, harness.Server.RequestCount);

        harness.Clock.Advance(TimeSpan.FromSeconds(keptForSeconds - 1));
        await AssertValidAsync(harness);
        Assert.Equal(1, harness.Server.RequestCount);

        harness.Clock.Advance(TimeSpan.FromSeconds(2));
        await AssertValidAsync(harness);
        Assert.Equal(2, harness.Server.RequestCount);
    }

    [Fact]
    public async Task An_unknown_kid_refetches_once_then_not_again_within_the_refresh_interval()
    {
        await using var harness = await ValidatorHarness.StartAsync(Options);
        await AssertValidAsync(harness);

        Assert.Equal(TokenRejection.UnknownKeyId, (await ValidateWithKidAsync(harness, "unknown-1")).Rejection);
        Assert.Equal(2, harness.Server.RequestCount);

        harness.Clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(TokenRejection.UnknownKeyId, (await ValidateWithKidAsync(harness, "unknown-2")).Rejection);
        Assert.Equal(2, harness.Server.RequestCount);

        harness.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TokenRejection.UnknownKeyId, (await ValidateWithKidAsync(harness, "unknown-2")).Rejection);
        Assert.Equal(3, harness.Server.RequestCount);
    }

    [Fact]
    public async Task Concurrent_first_lookups_share_one_fetch()
    {
        await using var harness = await ValidatorHarness.StartAsync(Options);

        var results = await RunHeldAsync(harness, 10, () => harness.Token().SignedBy(TestKeys.Rsa));

        Assert.All(results, result => Assert.True(result.IsValid, result.Message));
        Assert.Equal(1, harness.Server.RequestCount);
    }

    [Fact]
    public async Task Concurrent_lookups_of_an_unknown_kid_share_one_fetch()
    {
        await using var harness = await ValidatorHarness.StartAsync(Options);
        await AssertValidAsync(harness);

        var results = await RunHeldAsync(harness, 10, () => harness.Token().Header("kid", "rotated-in").SignedBy(TestKeys.Rsa));

        Assert.All(results, result => Assert.Equal(TokenRejection.UnknownKeyId, result.Rejection));
        Assert.Equal(2, harness.Server.RequestCount);
    }

    [Fact]
    public async Task A_key_published_after_the_first_fetch_is_found_by_refetching()
    {
        await using var harness = await ValidatorHarness.StartAsync(Options);
        await AssertValidAsync(harness);
        var next = TestKey.Rsa("next-key");
        harness.Server.Publish(TestKeys.Rsa, next);

        var result = await harness.ValidateAsync(harness.Token().SignedBy(next));

        Assert.True(result.IsValid, result.Message);
        Assert.Equal("next-key", result.Identity.KeyId);
        Assert.Equal(2, harness.Server.RequestCount);
    }

    [Fact]
    public async Task A_key_withdrawn_from_the_set_is_refused_once_the_cached_set_goes_stale()
    {
        await using var harness = await ValidatorHarness.StartAsync(Options);
        harness.Server.CacheControl = "max-age=60";
        await AssertValidAsync(harness);
        harness.Server.Publish(TestKeys.Ec);

        harness.Clock.Advance(TimeSpan.FromSeconds(61));
        var result = await harness.ValidateAsync(harness.Token().SignedBy(TestKeys.Rsa));

        Assert.Equal(TokenRejection.UnknownKeyId, result.Rejection);
    }

    [Fact]
    public async Task A_failed_fetch_keeps_the_last_good_key_set()
    {
        await using var harness = await ValidatorHarness.StartAsync(Options);
        harness.Server.CacheControl = "max-age=60";
        await AssertValidAsync(harness);

        harness.Server.Status = HttpStatusCode.InternalServerError;
        harness.Clock.Advance(TimeSpan.FromSeconds(61));
        await AssertValidAsync(harness);
        Assert.Equal(2, harness.Server.RequestCount);

        harness.Server.Status = HttpStatusCode.OK;
        harness.Server.Body = "<html>maintenance</html>";
        harness.Clock.Advance(TimeSpan.FromSeconds(31));
        await AssertValidAsync(harness);
        Assert.Equal(3, harness.Server.RequestCount);
    }

    [Fact]
    public async Task A_key_set_that_cannot_be_refreshed_is_trusted_up_to_the_staleness_horizon_then_refused_until_a_refresh()
    {
        await using var harness = await ValidatorHarness.StartAsync(Options with { MaximumStaleness = TimeSpan.FromMinutes(10) });
        harness.Server.CacheControl = "max-age=60";
        await AssertValidAsync(harness);
        harness.Server.Status = HttpStatusCode.ServiceUnavailable;

        harness.Clock.Advance(TimeSpan.FromSeconds(60) + TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        await AssertValidAsync(harness);

        harness.Clock.Advance(TimeSpan.FromSeconds(1));
        var stale = await harness.ValidateAsync(harness.Token().SignedBy(TestKeys.Rsa));
        Assert.Equal(TokenRejection.KeySetStale, stale.Rejection);
        Assert.Contains("503", stale.Message, StringComparison.Ordinal);

        harness.Server.Status = HttpStatusCode.OK;
        harness.Clock.Advance(Options.RefreshInterval);
        await AssertValidAsync(harness);
    }

    [Fact]
    public async Task With_no_staleness_allowed_a_stale_key_set_is_refused_as_soon_as_a_refresh_fails()
    {
        await using var harness = await ValidatorHarness.StartAsync(Options with { MaximumStaleness = TimeSpan.Zero });
        harness.Server.CacheControl = "max-age=60";
        await AssertValidAsync(harness);
        harness.Server.Status = HttpStatusCode.InternalServerError;

        harness.Clock.Advance(TimeSpan.FromSeconds(60));

        Assert.Equal(TokenRejection.KeySetStale, (await harness.ValidateAsync(harness.Token().SignedBy(TestKeys.Rsa))).Rejection);
    }

    [Theory]
    [InlineData(false, 0, true)]
    [InlineData(false, 1, false)]
    [InlineData(true, 0, true)]
    [InlineData(true, 1, false)]
    public async Task Reads_a_key_set_up_to_its_size_limit_and_no_further(bool declareLength, int overLimit, bool accepted)
    {
        const int Limit = 8 * 1024;
        await using var harness = await ValidatorHarness.StartAsync(Options with { MaximumResponseSize = Limit });
        harness.Server.PadTo(Limit + overLimit);
        harness.Server.DeclareLength = declareLength;

        var result = await harness.ValidateAsync(harness.Token().SignedBy(TestKeys.Rsa));

        Assert.Equal(accepted ? null : TokenRejection.KeySetUnavailable, result.Rejection);
    }

    [Fact]
    public async Task An_oversized_refresh_keeps_the_last_good_key_set()
    {
        await using var harness = await ValidatorHarness.StartAsync(Options);
        harness.Server.CacheControl = "max-age=60";
        await AssertValidAsync(harness);

        harness.Server.PadTo(Options.MaximumResponseSize + 1);
        harness.Clock.Advance(TimeSpan.FromSeconds(61));

        await AssertValidAsync(harness);
        Assert.Equal(2, harness.Server.RequestCount);
    }

    [Theory]
    [InlineData(-1, 1024, "MaximumStaleness")]
    [InlineData(60, 0, "MaximumResponseSize")]
    public void Refuses_a_negative_staleness_or_a_non_positive_size_limit(int stalenessSeconds, int size, string named)
    {
        using var httpClient = new HttpClient();
        var options = Options with { MaximumStaleness = TimeSpan.FromSeconds(stalenessSeconds), MaximumResponseSize = size };

        var error = Assert.Throws<ArgumentException>(() => new JsonWebKeySetCache(httpClient, new Uri("https://postern.example.com/jwks.json"), TimeProvider.System, options));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_any_key_set_tokens_are_refused_and_retried_only_after_the_refresh_interval()
    {
        await using var harness = await ValidatorHarness.StartAsync(Options);
        harness.Server.Status = HttpStatusCode.ServiceUnavailable;

        Assert.Equal(TokenRejection.KeySetUnavailable, (await harness.ValidateAsync(harness.Token().SignedBy(TestKeys.Rsa))).Rejection);
        Assert.Equal(TokenRejection.KeySetUnavailable, (await harness.ValidateAsync(harness.Token().SignedBy(TestKeys.Rsa))).Rejection);
        Assert.Equal(1, harness.Server.RequestCount);

        harness.Server.Status = HttpStatusCode.OK;
        harness.Clock.Advance(TimeSpan.FromSeconds(30));
        await AssertValidAsync(harness);
        Assert.Equal(2, harness.Server.RequestCount);
    }

    [Fact]
    public async Task A_cancelled_caller_stops_waiting_while_the_shared_fetch_completes()
    {
        await using var harness = await ValidatorHarness.StartAsync(Options);
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Server.Hold = hold;
        using var cancellation = new CancellationTokenSource();

        var waiting = harness.Validator.ValidateAsync(harness.Token().SignedBy(TestKeys.Rsa), cancellation.Token).AsTask();
        await WaitForRequestsAsync(harness.Server, 1);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        hold.SetResult();
        harness.Server.Hold = null;
        await AssertValidAsync(harness);
        Assert.Equal(1, harness.Server.RequestCount);
    }

    [Theory]
    [InlineData("sig-rsa", true)]
    [InlineData("no-use-ec", true)]
    [InlineData("svid-rsa", true)]
    [InlineData("enc-rsa", false)]
    [InlineData("rsa-1024", false)]
    [InlineData("rsa-rs512", false)]
    [InlineData("ec-p384", false)]
    [InlineData("rsa-as-es256", false)]
    [InlineData("encrypt-only", false)]
    [InlineData("oct", false)]
    public async Task Accepts_only_signing_keys_of_RSA_2048_and_EC_P256(string keyId, bool accepted)
    {
        await using var harness = await ValidatorHarness.StartAsync(Options);
        harness.Server.Publish(MixedKeySet.Value);

        var lookup = await harness.Cache.FindAsync(keyId, CancellationToken.None);

        Assert.Equal(accepted ? KeyLookupStatus.Found : KeyLookupStatus.UnknownKeyId, lookup.Status);
    }

    private static async Task AssertValidAsync(ValidatorHarness harness)
    {
        var result = await harness.ValidateAsync(harness.Token().SignedBy(TestKeys.Rsa));
        Assert.True(result.IsValid, result.Message);
    }

    private static ValueTask<PosternTokenValidationResult> ValidateWithKidAsync(ValidatorHarness harness, string keyId) =>
        harness.ValidateAsync(harness.Token().Header("kid", keyId).SignedBy(TestKeys.Rsa));

    /// <summary>
    /// Starts <paramref name="count"/> validations on the thread pool while the server holds
    /// its responses, lets them all reach the cache, then releases the server.
    /// </summary>
    private static async Task<PosternTokenValidationResult[]> RunHeldAsync(ValidatorHarness harness, int count, Func<string> token)
    {
        var tokens = Enumerable.Range(0, count).Select(_ => token()).ToArray();
        var requestsBefore = harness.Server.RequestCount;
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Server.Hold = hold;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var validations = tokens.Select(t => Task.Run(async () =>
        {
            await start.Task;
            return await harness.ValidateAsync(t);
        })).ToArray();
        start.SetResult();

        await WaitForRequestsAsync(harness.Server, requestsBefore + 1);
        await Task.Delay(TimeSpan.FromMilliseconds(200));   // time for any further (wrong) fetch to arrive
        hold.SetResult();
        harness.Server.Hold = null;
        return await Task.WhenAll(validations);
    }

    private static async Task WaitForRequestsAsync(JwksServer server, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (server.RequestCount < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The key set server saw {server.RequestCount} requests, not {count}.");
            await Task.Delay(10);
        }
    }
}
