using System.Diagnostics.CodeAnalysis;

namespace Postern.Fuzz.Harnesses;

/// <summary>
/// A dictionary that holds <paramref name="value"/> under every key: whatever trait or label a fuzzed template names,
/// it is found, with the values the input supplied.
/// </summary>
internal sealed class SameForEveryKey<T>(T value) : IReadOnlyDictionary<string, T>
{
    public T this[string key] => value;

    public IEnumerable<string> Keys => [];

    public IEnumerable<T> Values => [];

    public int Count => 0;

    public bool ContainsKey(string key) => true;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out T found)
    {
        found = value;
        return true;
    }

    public IEnumerator<KeyValuePair<string, T>> GetEnumerator() => Enumerable.Empty<KeyValuePair<string, T>>().GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
