using Postern.Configuration;

namespace Postern.Resources;

/// <summary>An app as a resource; its labels are the metadata's.</summary>
public sealed record AppResource : Resource
{
    /// <inheritdoc/>
    public override string Kind => ResourceKinds.App;

    /// <summary>The app.</summary>
    public required AppConfig App { get; init; }

    /// <summary>The resource holding <paramref name="app"/>.</summary>
    public static AppResource Of(AppConfig app) => new() { App = app, Metadata = new ResourceMetadata { Name = app.Name, Labels = app.Labels } };
}
