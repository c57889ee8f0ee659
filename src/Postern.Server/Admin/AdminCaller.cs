using Postern.Audit;
using Postern.Identity;

namespace Postern.Server.Admin;

/// <summary>
/// The caller of an admin request: <c>local-admin</c> (the token of <c>data_dir/admin.json</c>, which may do
/// everything; <see cref="Checker"/> is <c>null</c>) or a user signed in with <c>postern login</c>, whose roles' rules decide.
/// </summary>
internal sealed record AdminCaller(AuditActor Actor, AccessChecker? Checker, IReadOnlyList<string> Roles, DateTimeOffset? Expires, string? CredentialHash)
{
    /// <summary>May the caller do <paramref name="verb"/> on <paramref name="resource"/>?</summary>
    public AccessDecision Check(string resource, string verb) =>
        Checker?.CheckRule(resource, verb) ?? new AccessDecision(true, "local-admin may do everything");
}
