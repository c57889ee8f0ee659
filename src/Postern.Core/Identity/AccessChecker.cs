namespace Postern.Identity;

/// <summary>
/// What a user may do, from their roles: apps by label (deny wins), logins, and verbs on resources. Role values
/// that are trait templates are expanded with the user's traits once, when the checker is made.
/// </summary>
public sealed class AccessChecker
{
    private readonly User _user;
    private readonly IReadOnlyList<(Role Role, Dictionary<string, HashSet<string>> Allow, Dictionary<string, HashSet<string>> Deny)> _roles;

    private AccessChecker(User user, IReadOnlyList<Role> roles)
    {
        _user = user;
        _roles = [.. roles.Select(r => (r, Expand(r.Allow.AppLabels, user), Expand(r.Deny.AppLabels, user)))];
        var denied = roles.SelectMany(r => ExpandAll(r.Deny.Logins, user)).ToHashSet(StringComparer.Ordinal);
        Logins = [.. roles.SelectMany(r => ExpandAll(r.Allow.Logins, user)).Where(l => !denied.Contains(l)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        RoleNames = [.. roles.Select(r => r.Name)];
    }

    /// <summary>The logins the user's roles grant, after deny rules.</summary>
    public IReadOnlyList<string> Logins { get; }

    /// <summary>The names of the roles the checker was made from.</summary>
    public IReadOnlyList<string> RoleNames { get; }

    /// <summary>A checker for <paramref name="user"/> holding <paramref name="roles"/> (the roles that exist; unknown names are ignored by the caller).</summary>
    public static AccessChecker Create(User user, IReadOnlyList<Role> roles) => new(user, roles);

    /// <summary>May the user open the app named <paramref name="appName"/> with <paramref name="appLabels"/>?</summary>
    public AccessDecision CheckApp(string appName, IReadOnlyDictionary<string, string> appLabels)
    {
        foreach (var (role, _, deny) in _roles)
        {
            if (Matches(deny, appLabels))
            {
                return new AccessDecision(false, $"denied by role '{role.Name}' (deny app_labels {Describe(deny)})");
            }
        }

        foreach (var (role, allow, _) in _roles)
        {
            if (Matches(allow, appLabels))
            {
                return new AccessDecision(true, $"allowed by role '{role.Name}'");
            }
        }

        return new AccessDecision(false, $"no role of user '{_user.Name}' allows app '{appName}' (labels {Describe(appLabels)})");
    }

    /// <summary>May the user do <paramref name="verb"/> on resources of kind <paramref name="resource"/>?</summary>
    public bool Can(string resource, string verb)
    {
        static bool Covers(ResourceRule rule, string resource, string verb) =>
            (rule.Resources.Contains("*") || rule.Resources.Contains(resource)) && (rule.Verbs.Contains("*") || rule.Verbs.Contains(verb));

        return !_roles.Any(r => r.Role.Deny.Rules.Any(rule => Covers(rule, resource, verb)))
            && _roles.Any(r => r.Role.Allow.Rules.Any(rule => Covers(rule, resource, verb)));
    }

    private static bool Matches(Dictionary<string, HashSet<string>> selector, IReadOnlyDictionary<string, string> labels)
    {
        if (selector.Count == 0)
        {
            return false;
        }

        foreach (var (key, values) in selector)
        {
            if (key == "*")
            {
                if (!values.Contains("*"))
                {
                    return false;
                }

                continue;
            }

            if (!labels.TryGetValue(key, out var value) || !(values.Contains("*") || values.Contains(value)))
            {
                return false;
            }
        }

        return true;
    }

    private static Dictionary<string, HashSet<string>> Expand(IReadOnlyDictionary<string, IReadOnlyList<string>> selector, User user) =>
        selector.ToDictionary(p => p.Key, p => ExpandAll(p.Value, user).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);

    private static IEnumerable<string> ExpandAll(IReadOnlyList<string> values, User user) =>
        values.SelectMany(v => TraitTemplate.TryParse(v, out var template, out _) ? template!.Expand(user.Traits, null) : []);

    private static string Describe<T>(IReadOnlyDictionary<string, T> labels) =>
        labels.Count == 0 ? "none" : string.Join(",", labels.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={(p.Value is IEnumerable<string> many ? string.Join("|", many) : p.Value)}"));
}
