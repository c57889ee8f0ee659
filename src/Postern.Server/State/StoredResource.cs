using Microsoft.Extensions.Logging;
using Postern.Resources;
using Postern.Storage;

namespace Postern.Server.State;

/// <summary>Reads a resource from a change of the store's feed.</summary>
internal static class StoredResource
{
    /// <summary>The resource <paramref name="change"/> puts; <c>null</c> for a deletion, or (logged) for a put that is not readable.</summary>
    public static Resource? Read(string kind, Change change, ILogger logger)
    {
        if (change.Kind != ChangeKind.Put)
        {
            return null;
        }

        try
        {
            return ResourceJson.Deserialize(kind, change.Value.Span);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException or FormatException)
        {
            logger.StoredResourceUnreadable(change.Key, change.Revision, e);
            return null;
        }
    }
}
