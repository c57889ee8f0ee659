using Microsoft.Extensions.Options;
using Postern.Verification.Tests.Infrastructure;

namespace Postern.Verification.Tests.Authentication;

/// <summary>Bad scheme options stop the application at start, every problem reported at once.</summary>
public sealed class PosternAssertionOptionsTests
{
    [Fact]
    public async Task An_http_key_set_address_fails_start_unless_explicitly_allowed()
    {
        await using var app = AppHost.Build(options =>
        {
            Expecting(options);
            options.KeySetUri = new Uri("http://postern.example.com/.well-known/jwks.json");
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        var failure = Assert.Single(error.Failures);
        Assert.Contains("https", failure, StringComparison.Ordinal);
        Assert.Contains(nameof(PosternAssertionOptions.RequireHttpsKeySet), failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_http_key_set_address_starts_when_allowed()
    {
        await using var app = AppHost.Build(options =>
        {
            Expecting(options);
            options.KeySetUri = new Uri("http://127.0.0.1:9/.well-known/jwks.json");
            options.RequireHttpsKeySet = false;
        });

        await app.StartAsync();
        await app.StopAsync();
    }

    [Fact]
    public async Task A_missing_key_set_address_and_other_problems_are_reported_together()
    {
        await using var app = AppHost.Build(options =>
        {
            Expecting(options);
            options.HeaderName = " ";
            options.ClockSkew = TimeSpan.FromSeconds(-5);
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Equal(3, error.Failures.Count());
        Assert.Contains(error.Failures, failure => failure.Contains(nameof(PosternAssertionOptions.KeySetUri), StringComparison.Ordinal));
        Assert.Contains(error.Failures, failure => failure.Contains(nameof(PosternAssertionOptions.HeaderName), StringComparison.Ordinal));
        Assert.Contains(error.Failures, failure => failure.Contains(nameof(PosternAssertionOptions.ClockSkew), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_relative_key_set_address_fails_start()
    {
        await using var app = AppHost.Build(options =>
        {
            Expecting(options);
            options.KeySetUri = new Uri("/.well-known/jwks.json", UriKind.Relative);
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("absolute", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_issuer_and_no_audience_fail_start_naming_the_opt_outs()
    {
        await using var app = AppHost.Build(options => options.KeySetUri = new Uri("https://postern.example.com/.well-known/jwks.json"));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Equal(2, error.Failures.Count());
        Assert.Contains(error.Failures, failure => failure.Contains(nameof(PosternAssertionOptions.Audiences), StringComparison.Ordinal)
            && failure.Contains(nameof(PosternAssertionOptions.DangerouslyAcceptAnyAudience), StringComparison.Ordinal));
        Assert.Contains(error.Failures, failure => failure.Contains(nameof(PosternAssertionOptions.Issuer), StringComparison.Ordinal)
            && failure.Contains(nameof(PosternAssertionOptions.DangerouslyAcceptAnyIssuer), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Starts_without_issuer_and_audience_when_told_to_accept_any_dangerously()
    {
        await using var app = AppHost.Build(options =>
        {
            options.KeySetUri = new Uri("https://postern.example.com/.well-known/jwks.json");
            options.DangerouslyAcceptAnyIssuer = true;
            options.DangerouslyAcceptAnyAudience = true;
        });

        await app.StartAsync();
        await app.StopAsync();
    }

    /// <summary>The issuer and audience every scheme needs, so a test sees only the problem it is about.</summary>
    private static void Expecting(PosternAssertionOptions options)
    {
        options.Issuer = TokenBuilder.Issuer;
        options.Audiences.Add(TokenBuilder.Audience);
    }
}
