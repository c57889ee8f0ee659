using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Postern.Verification;

/// <summary>Adds Postern assertion authentication to an application.</summary>
public static class PosternAssertionExtensions
{
    /// <summary>
    /// Authenticates requests by the assertion Postern sends in the <c>Teleport-Jwt-Assertion</c>
    /// header, under the scheme <see cref="PosternAssertionDefaults.AuthenticationScheme"/>.
    /// </summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="configureOptions">Sets <see cref="PosternAssertionOptions.KeySetUri"/>, <see cref="PosternAssertionOptions.Issuer"/> and <see cref="PosternAssertionOptions.Audiences"/> (each required).</param>
    /// <returns><paramref name="builder"/>.</returns>
    public static AuthenticationBuilder AddPosternAssertion(this AuthenticationBuilder builder, Action<PosternAssertionOptions> configureOptions) =>
        builder.AddPosternAssertion(PosternAssertionDefaults.AuthenticationScheme, displayName: null, configureOptions);

    /// <summary>Authenticates requests by a Postern assertion, under the scheme <paramref name="authenticationScheme"/>.</summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="authenticationScheme">The scheme's name.</param>
    /// <param name="configureOptions">Sets <see cref="PosternAssertionOptions.KeySetUri"/>, <see cref="PosternAssertionOptions.Issuer"/> and <see cref="PosternAssertionOptions.Audiences"/> (each required).</param>
    /// <returns><paramref name="builder"/>.</returns>
    public static AuthenticationBuilder AddPosternAssertion(this AuthenticationBuilder builder, string authenticationScheme, Action<PosternAssertionOptions> configureOptions) =>
        builder.AddPosternAssertion(authenticationScheme, displayName: null, configureOptions);

    /// <summary>
    /// Authenticates requests by a Postern assertion, under the scheme <paramref name="authenticationScheme"/>.
    /// Each scheme has its own key set cache. The options are validated when the host starts.
    /// </summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="authenticationScheme">The scheme's name.</param>
    /// <param name="displayName">The scheme's display name.</param>
    /// <param name="configureOptions">Sets <see cref="PosternAssertionOptions.KeySetUri"/>, <see cref="PosternAssertionOptions.Issuer"/> and <see cref="PosternAssertionOptions.Audiences"/> (each required).</param>
    /// <returns><paramref name="builder"/>.</returns>
    public static AuthenticationBuilder AddPosternAssertion(
        this AuthenticationBuilder builder,
        string authenticationScheme,
        string? displayName,
        Action<PosternAssertionOptions> configureOptions)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(authenticationScheme);
        ArgumentNullException.ThrowIfNull(configureOptions);

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<PosternAssertionOptions>, PosternAssertionPostConfigureOptions>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PosternAssertionOptions>, PosternAssertionOptionsValidator>());
        builder.Services.AddOptions<PosternAssertionOptions>(authenticationScheme).ValidateOnStart();
        return builder.AddScheme<PosternAssertionOptions, PosternAssertionHandler>(authenticationScheme, displayName, configureOptions);
    }
}
