using System.Globalization;
using System.Text;
using Postern.Agent.Attestation;

namespace Postern.Agent.Caching;

/// <summary>
/// The cache key of a Fetch: the attested attributes that policy sees (uid, gid, executable and its hash;
/// not the pid, which changes from process to process of the same workload) and the audience set.
/// Every part is length-prefixed, so no two different requests share a key: {"ab","cd"} and
/// {"a","bcd"} differ, and an executable path cannot pass for an audience.
/// </summary>
internal readonly record struct SvidCacheKey
{
    private SvidCacheKey(string value, IReadOnlyList<string> audiences)
    {
        Value = value;
        Audiences = audiences;
    }

    public string Value { get; }

    /// <summary>The audiences, distinct and in ordinal order.</summary>
    public IReadOnlyList<string> Audiences { get; }

    public static SvidCacheKey For(UnixWorkload workload, IEnumerable<string> audiences)
    {
        var sorted = audiences.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var key = new StringBuilder();
        key.Append(CultureInfo.InvariantCulture, $"uid={workload.Uid};gid={workload.Gid};");
        if (workload.Exe is null)
        {
            key.Append("exe=-;");
        }
        else
        {
            Field(key, "exe", workload.Exe);
        }

        key.Append(workload.ExeSha256 is null ? "sha256=-;" : $"sha256={workload.ExeSha256};");

        key.Append(CultureInfo.InvariantCulture, $"aud#{sorted.Length};");
        foreach (var audience in sorted)
        {
            Field(key, "aud", audience);
        }

        return new SvidCacheKey(key.ToString(), sorted);
    }

    private static void Field(StringBuilder key, string name, string value) =>
        key.Append(CultureInfo.InvariantCulture, $"{name}:{value.Length}:{value};");

    public bool Equals(SvidCacheKey other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value ?? "");

    public override string ToString() => Value;
}
