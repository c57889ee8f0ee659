using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization.Metadata;
using Postern.WorkloadIdentity.Api;

namespace Postern.Admin.Api;

/// <summary>
/// Reading a request body of the admin API into its record, the way the workload identity API reads its own
/// (<see cref="WorkloadApiJson"/>): one JSON object, no member the record lacks, every value of its member's type.
/// What the values may be (a valid name, a known role) is for the service that makes the change to say.
/// </summary>
internal static class AdminApiJson
{
    /// <summary>
    /// Reads <paramref name="json"/> as a <typeparamref name="T"/>, then asks <paramref name="check"/> for what the
    /// types cannot say (a <c>null</c> inside a list); on failure <paramref name="error"/> says what to change.
    /// </summary>
    public static bool TryRead<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> info, Func<T, string?> check, [NotNullWhen(true)] out T? value, [NotNullWhen(false)] out string? error)
        where T : class
    {
        if (!WorkloadApiJson.TryRead(json, info, path => ProblemAt(info, path), out value, out error))
        {
            return false;
        }

        error = check(value);
        if (error is not null)
        {
            value = null;
            return false;
        }

        return true;
    }

    /// <summary>What is wrong with a list of roles, traits or labels that holds a <c>null</c>; <c>null</c> when none does.</summary>
    public static string? NullIn(IReadOnlyList<string>? roles = null, IReadOnlyDictionary<string, IReadOnlyList<string>>? traits = null, IReadOnlyDictionary<string, string>? labels = null) =>
        roles is not null && roles.Any(r => r is null) ? "roles: " + Expected(typeof(IReadOnlyList<string>))
        : traits is not null && traits.Values.Any(v => v is null || v.Any(s => s is null)) ? "traits: " + Expected(typeof(IReadOnlyDictionary<string, IReadOnlyList<string>>))
        : labels is not null && labels.Values.Any(v => v is null) ? "labels: " + Expected(typeof(IReadOnlyDictionary<string, string>))
        : null;

    /// <summary>The message for a member whose value could not be read: its name and the type it must have.</summary>
    private static string ProblemAt(JsonTypeInfo info, string path) =>
        WorkloadApiJson.MemberOf(path) is { } member && info.Properties.FirstOrDefault(p => p.Name == member) is { } property
            ? $"{member}: {Expected(property.PropertyType)}"
            : WorkloadApiJson.NotAnObject;

    private static string Expected(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(bool) => "expected true or false",
        var t when t == typeof(IReadOnlyList<string>) => "expected a list of strings",
        var t when t == typeof(IReadOnlyDictionary<string, string>) => "expected an object whose values are strings",
        var t when t == typeof(IReadOnlyDictionary<string, IReadOnlyList<string>>) => "expected an object whose values are lists of strings",
        _ => "expected a string",
    };
}
