using Postern.Identity;

namespace Postern.Server.Admin;

/// <summary>
/// The role rule an admin route needs, as endpoint metadata: a verb on a resource of <see cref="AdminRules"/>.
/// <see cref="KindFromRoute"/> takes the resource from the route's <c>{kind}</c>; <see cref="PerResourceInBody"/> leaves
/// each resource of the body to the endpoint, after the caller is found to hold the verb on some resource.
/// <see cref="AnyCaller"/> marks a route every authenticated caller may use. A route without one is refused to all but
/// <c>local-admin</c>.
/// </summary>
internal sealed record AdminRule(string Resource, string Verb)
{
    public const string KindFromRoute = "{kind}";
    public const string PerResourceInBody = "{body}";

    public static AdminRule AnyCaller { get; } = new("", "");

    /// <summary>The rule as a refusal names it.</summary>
    public override string ToString() => $"{Verb} on {Resource}";
}
