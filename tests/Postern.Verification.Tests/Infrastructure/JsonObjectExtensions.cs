using System.Text.Json.Nodes;

namespace Postern.Verification.Tests.Infrastructure;

internal static class JsonObjectExtensions
{
    /// <summary>Applies <paramref name="change"/> and returns the same object, for building values inline.</summary>
    public static JsonObject Also(this JsonObject value, Action<JsonObject> change)
    {
        change(value);
        return value;
    }
}
