namespace Postern.Audit;

/// <summary>The audit event types Postern records; the names are stable, as tools filter on them.</summary>
public static class AuditEventTypes
{
    /// <summary>A sign-in attempt, successful or not (<c>success</c>, <c>reason</c>).</summary>
    public const string UserLogin = "user.login";

    /// <summary>A user signed out: a web session or a client credential of <c>postern login</c> ended (<c>method</c>).</summary>
    public const string UserLogout = "user.logout";

    /// <summary>The admin API refused a caller: no role rule allowed the request (<c>rule</c>, <c>reason</c>, <c>method</c>, <c>path</c>).</summary>
    public const string AdminAccessDenied = "admin.access.denied";

    /// <summary>A user was created.</summary>
    public const string UserCreate = "user.create";

    /// <summary>A user's roles or traits changed.</summary>
    public const string UserUpdate = "user.update";

    /// <summary>A user was removed, and their sessions ended.</summary>
    public const string UserDelete = "user.delete";

    /// <summary>A user's password was set.</summary>
    public const string UserPasswordSet = "user.password.set";

    /// <summary>A user turned on a second factor (TOTP) and received recovery codes.</summary>
    public const string UserTotpEnrol = "user.totp.enrol";

    /// <summary>An administrator removed a user's second factor and recovery codes.</summary>
    public const string UserTotpReset = "user.totp.reset";

    /// <summary>An app session began: the user opened an app.</summary>
    public const string AppSessionStart = "app.session.start";

    /// <summary>An assertion was minted for an app session (<c>jti</c>, <c>exp</c>).</summary>
    public const string AppAssertionIssued = "app.assertion.issued";

    /// <summary>
    /// An assertion's headers took more than 75 % of the app's <c>max_header_bytes</c>; it was sent (<c>header_bytes</c>,
    /// <c>max_header_bytes</c>, <c>percent</c>, <c>largest_claims</c>).
    /// </summary>
    public const string AppAssertionOversizeWarning = "app.assertion.oversize_warning";

    /// <summary>
    /// An assertion's headers did not fit the app's <c>max_header_bytes</c>: it was not sent and the user's requests to the app
    /// are refused until filters or the budget change (same fields as <see cref="AppAssertionOversizeWarning"/>).
    /// </summary>
    public const string AppAssertionOversize = "app.assertion.oversize";

    /// <summary>
    /// <c>postern doctor app</c> probed an app with the genuine assertion and forgeries (<c>app</c>, <c>user</c>, <c>path</c>,
    /// <c>ok</c>, <c>accepted</c>: the forgeries the app accepted, <c>statuses</c>: each probe's answer).
    /// </summary>
    public const string AppDoctorRun = "app.doctor.run";

    /// <summary>A user was refused an app by the access rules.</summary>
    public const string AppAccessDenied = "app.access.denied";

    /// <summary>A lock was put on an identity.</summary>
    public const string LockCreate = "lock.create";

    /// <summary>A lock was lifted.</summary>
    public const string LockDelete = "lock.delete";

    /// <summary>A resource (role, app, user, …) was created from YAML (<c>kind</c>, <c>name</c>).</summary>
    public const string ResourceCreate = "resource.create";

    /// <summary>A resource that existed was replaced from YAML (<c>kind</c>, <c>name</c>).</summary>
    public const string ResourceUpdate = "resource.update";

    /// <summary>A resource was removed.</summary>
    public const string ResourceDelete = "resource.delete";

    /// <summary>A JWT-SVID was issued (<c>jti</c>, <c>spiffe_id</c>, <c>audiences</c>, <c>ttl</c>, the caller and its attributes).</summary>
    public const string JwtSvidIssued = "jwt_svid.issued";

    /// <summary>A JWT-SVID was refused: no workload identity admitted the caller (<c>reasons</c>).</summary>
    public const string JwtSvidDenied = "jwt_svid.denied";

    /// <summary>An X.509-SVID was issued (<c>serial</c>, <c>spiffe_id</c>, <c>expires</c>, <c>kid</c>, the caller, its attributes and address).</summary>
    public const string X509SvidIssued = "x509_svid.issued";

    /// <summary>An X.509-SVID was refused: a bad certificate signing request, or no workload identity admitted the caller (<c>reasons</c>).</summary>
    public const string X509SvidDenied = "x509_svid.denied";

    /// <summary>A bot was created (with a join token).</summary>
    public const string BotCreate = "bot.create";

    /// <summary>Another join token was made for an existing bot (<c>labels</c>, <c>expires</c>).</summary>
    public const string BotJoinTokenCreate = "bot.join_token.create";

    /// <summary>A bot presented a join token that named it (<c>success</c>, <c>reason</c>); see <see cref="BotJoinRefused"/> for the rest.</summary>
    public const string BotJoin = "bot.join";

    /// <summary>
    /// A bot credential was presented after a renewal replaced it, or two renewals of it raced: every credential and join
    /// token of the bot was revoked (<c>bot</c>, <c>generation</c> presented, <c>current_generation</c>, counts revoked).
    /// </summary>
    public const string BotCredentialReuse = "bot.credential.reuse";

    /// <summary>
    /// Join attempts refused before they named a bot (a malformed or unknown token, or an address over its join
    /// budget), coalesced: one event per (<c>remote_addr</c>, <c>reason</c>) and interval, with <c>count</c>,
    /// <c>first</c> and <c>last</c>.
    /// </summary>
    public const string BotJoinRefused = "bot.join.refused";

    /// <summary>An authority's rotation took a step (started, moved phase, rolled back, finished).</summary>
    public const string CaRotated = "ca.rotated";

    /// <summary>A federated trust domain's bundle was accepted with keys that differ from the ones held before (or for the first time).</summary>
    public const string TrustBundleUpdated = "trust_bundle.updated";

    /// <summary>A federated trust domain's bundle endpoint answered with something refused; the bundle held before is kept.</summary>
    public const string TrustBundleRefused = "trust_bundle.refused";

    /// <summary>A workload's JWT-SVID presented at an app was refused (401) or did not grant the app (403).</summary>
    public const string AppWorkloadDenied = "app.workload.denied";
}
