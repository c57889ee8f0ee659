using System.Text.RegularExpressions;
using Postern.Server.State;

namespace Postern.Server.Users;

/// <summary>What a user (or a label) must be: a valid name, existing roles, valid traits.</summary>
internal static partial class UserRules
{
    /// <summary>Every problem with a user of these <paramref name="name"/>, <paramref name="roles"/> and <paramref name="traits"/>.</summary>
    public static IEnumerable<string> Check(string? name, IReadOnlyList<string>? roles, IReadOnlyDictionary<string, IReadOnlyList<string>>? traits, ClusterState cluster)
    {
        if (string.IsNullOrEmpty(name) || !UserNamePattern().IsMatch(name))
        {
            yield return $"name: '{name}' is not a valid user name (lowercase letters, digits, '@', '.', '_' and '-', at most 128 characters)";
        }

        if (roles is null || roles.Count == 0)
        {
            yield return "roles: at least one role is required";
        }
        else
        {
            foreach (var role in roles.Where(r => cluster.FindRole(r) is null))
            {
                yield return $"roles: role '{role}' does not exist";
            }
        }

        foreach (var (key, values) in traits ?? new Dictionary<string, IReadOnlyList<string>>())
        {
            if (!IsTraitName(key))
            {
                yield return $"traits: '{key}' is not a valid trait name";
            }
            else if (values.Any(v => v.Any(char.IsControl)))
            {
                yield return $"traits.{key}: a value holds a control character";
            }
        }
    }

    /// <summary>Whether <paramref name="key"/> may name a trait or a label.</summary>
    public static bool IsTraitName(string key) => TraitNamePattern().IsMatch(key);

    [GeneratedRegex("^[a-z0-9][a-z0-9@._-]{0,127}$")]
    private static partial Regex UserNamePattern();

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex TraitNamePattern();
}
