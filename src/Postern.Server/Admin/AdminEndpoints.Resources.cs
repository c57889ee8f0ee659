using System.Text;
using Microsoft.AspNetCore.Http;
using Postern.Admin.Api;
using Postern.Resources;
using Postern.Server.Resources;
using Postern.Server.Users;
using Postern.Storage;

namespace Postern.Server.Admin;

/// <summary>Resources from YAML (<c>postern create -f</c>, <c>get</c>, <c>rm</c>).</summary>
internal static partial class AdminEndpoints
{
    private static async Task<IResult> CreateResourcesAsync(HttpContext context, ResourceService resources, CancellationToken cancellationToken)
    {
        string text;
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
        {
            text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }

        var source = context.Request.Query["source"].ToString() is { Length: > 0 } named ? named : "request";
        return Answer(await resources.CreateAsync(text, source, AdminCallers.Of(context).Check, ActorOf(context), cancellationToken).ConfigureAwait(false), written => Results.Json(new ResourcesWritten(written), Json.ResourcesWritten));
    }

    private static async Task<IResult> GetResources(string kind, IBackend store, CancellationToken cancellationToken)
    {
        if (!ResourceKinds.All.Contains(kind))
        {
            return UnknownKind(kind);
        }

        var items = await store.RangeAsync(ResourceJson.Prefix(kind), cancellationToken).ConfigureAwait(false);
        var found = items.Select(item => ResourceJson.Deserialize(kind, item.Value.Span)).OfType<Resource>();
        return Results.Text(string.Join("---\n", found.Select(ResourceYaml.Render)), "application/yaml");
    }

    private static async Task<IResult> GetResource(string kind, string name, IBackend store, CancellationToken cancellationToken)
    {
        if (!ResourceKinds.All.Contains(kind))
        {
            return UnknownKind(kind);
        }

        var item = await store.GetAsync(ResourceJson.StoreKey(kind, name), cancellationToken).ConfigureAwait(false);
        return item is not null && ResourceJson.Deserialize(kind, item.Value.Span) is { } found
            ? Results.Text(ResourceYaml.Render(found), "application/yaml")
            : Error(StatusCodes.Status404NotFound, $"{kind} '{name}' not found");
    }

    private static async Task<IResult> RemoveResourceAsync(string kind, string name, HttpContext context, ResourceService resources, UserService users, CancellationToken cancellationToken) =>
        kind == "user"
            ? await RemoveUserAsync(name, context, users, cancellationToken).ConfigureAwait(false)
            : Answer(await resources.RemoveAsync(kind, name, ActorOf(context), cancellationToken).ConfigureAwait(false), _ => Results.NoContent());

    private static IResult UnknownKind(string kind) =>
        Error(StatusCodes.Status400BadRequest, $"unknown kind '{kind}' (expected one of: {string.Join(", ", ResourceKinds.All)})");
}
