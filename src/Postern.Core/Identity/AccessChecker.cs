namespace Postern.Identity;

/// <summary>
/// What a user may do, from their roles: apps by label (deny wins), logins, and verbs on resources. Role values
/// that are trait templates are expanded with the user's traits once, when the checker is made.
/// </summary>
public sealed class AccessChecker
{
    private readonly IReadOnlyList<(Role Role, Dictionary<string, HashSet<string>> Allow, Dictionary<string, HashSet<string>> Deny)> _roles;
    private readonly IReadOnlyList<(Role Role, Dictionary<string, HashSet<string>> Allow, Dictionary<string, HashSet<string>> Deny)> _workloadSelectors;

    private readonly string _subject;

    private AccessChecker(User user, IReadOnlyList<Role> roles, string subject)
    {
        _subject = subject;
        _roles = [.. roles.Select(r => (r, Expand(r.Allow.AppLabels, user), Expand(r.Deny.AppLabels, user)))];
        _workloadSelectors = [.. roles.Select(r => (r, Expand(r.Allow.WorkloadIdentityLabels, user), Expand(r.Deny.WorkloadIdentityLabels, user)))];
        var denied = roles.SelectMany(r => ExpandAll(r.Deny.Logins, user)).ToHashSet(StringComparer.Ordinal);
        Logins = [.. roles.SelectMany(r => ExpandAll(r.Allow.Logins, user)).Where(l => !denied.Contains(l)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        RoleNames = [.. roles.Select(r => r.Name)];
    }

    /// <summary>The logins the user's roles grant, after deny rules.</summary>
    public IReadOnlyList<string> Logins { get; }

    /// <summary>The names of the roles the checker was made from.</summary>
    public IReadOnlyList<string> RoleNames { get; }

    /// <summary>A checker for <paramref name="user"/> holding <paramref name="roles"/> (the roles that exist; unknown names are ignored by the caller).</summary>
    public static AccessChecker Create(User user, IReadOnlyList<Role> roles) => new(user, roles, $"user '{user.Name}'");

    /// <summary>A checker for a bot named <paramref name="botName"/> holding <paramref name="roles"/>; a bot has no traits.</summary>
    public static AccessChecker ForBot(string botName, IReadOnlyList<Role> roles) =>
        new(new User { Name = botName, Roles = [.. roles.Select(r => r.Name)] }, roles, $"bot '{botName}'");

    /// <summary>May the user open the app named <paramref name="appName"/> with <paramref name="appLabels"/>?</summary>
    public AccessDecision CheckApp(string appName, IReadOnlyDictionary<string, string> appLabels) =>
        Check(_roles, "app_labels", $"app '{appName}'", appLabels);

    /// <summary>May the caller be issued the workload identity <paramref name="name"/> with <paramref name="labels"/>?</summary>
    public AccessDecision CheckWorkloadIdentity(string name, IReadOnlyDictionary<string, string> labels) =>
        Check(_workloadSelectors, "workload_identity_labels", $"workload identity '{name}'", labels);

    /// <summary>May the caller do <paramref name="verb"/> on resources of kind <paramref name="resource"/>?</summary>
    public bool Can(string resource, string verb) => CheckRule(resource, verb).Allowed;

    /// <summary>
    /// May the caller do <paramref name="verb"/> on <paramref name="resource"/> (a name of <see cref="AdminRules"/>)? A deny rule
    /// of any role wins over every allow; the reason names the rule that refused or was missing.
    /// </summary>
    public AccessDecision CheckRule(string resource, string verb)
    {
        static bool Covers(ResourceRule rule, string resource, string verb) =>
            (rule.Resources.Contains(AdminRules.Any) || rule.Resources.Contains(resource)) && (rule.Verbs.Contains(AdminRules.Any) || rule.Verbs.Contains(verb));

        if (_roles.FirstOrDefault(r => r.Role.Deny.Rules.Any(rule => Covers(rule, resource, verb))).Role is { } denying)
        {
            return new AccessDecision(false, $"role '{denying.Name}' denies `{verb}` on `{resource}`");
        }

        return _roles.FirstOrDefault(r => r.Role.Allow.Rules.Any(rule => Covers(rule, resource, verb))).Role is { } allowing
            ? new AccessDecision(true, $"allowed by role '{allowing.Name}'")
            : new AccessDecision(false, $"role rules allow no `{verb}` on `{resource}`");
    }

    private AccessDecision Check(
        IReadOnlyList<(Role Role, Dictionary<string, HashSet<string>> Allow, Dictionary<string, HashSet<string>> Deny)> selectors,
        string field,
        string what,
        IReadOnlyDictionary<string, string> labels)
    {
        foreach (var (role, _, deny) in selectors)
        {
            if (Matches(deny, labels))
            {
                return new AccessDecision(false, $"denied by role '{role.Name}' (deny {field} {Describe(deny)})");
            }
        }

        foreach (var (role, allow, _) in selectors)
        {
            if (Matches(allow, labels))
            {
                return new AccessDecision(true, $"allowed by role '{role.Name}'");
            }
        }

        return new AccessDecision(false, $"no role of {_subject} allows {what} (labels {Describe(labels)})");
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
        values.SelectMany(v => TraitTemplate.TryParse(v, out var template, out _) ? template!.Expand(user.Traits, user.ExternalTraits, null) : []);

    private static string Describe<T>(IReadOnlyDictionary<string, T> labels) =>
        labels.Count == 0 ? "none" : string.Join(",", labels.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={(p.Value is IEnumerable<string> many ? string.Join("|", many) : p.Value)}"));
}
