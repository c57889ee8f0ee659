namespace Postern.Configuration;

/// <summary>The <c>app_access</c> section: lifetimes of sessions and assertions.</summary>
public sealed record AppAccessConfig
{
    /// <summary>The longest an app assertion lives (it never outlives its session).</summary>
    public TimeSpan AssertionTtl { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a web session (and the app sessions opened from it) lasts after sign-in.</summary>
    public TimeSpan SessionTtl { get; init; } = TimeSpan.FromHours(12);
}
