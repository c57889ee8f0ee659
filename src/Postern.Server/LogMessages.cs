using Microsoft.Extensions.Logging;

namespace Postern.Server;

/// <summary>Every log message of the server, with its event id. Never a secret or a whole token.</summary>
internal static partial class LogMessages
{
    [LoggerMessage(1000, LogLevel.Information, "Created the key-encryption key {Path}")]
    public static partial void KeyEncryptionKeyCreated(this ILogger logger, string path);

    [LoggerMessage(1001, LogLevel.Information, "The {Authority} authority signs with key {Kid} ({Alg}); {KeyCount} key(s) published")]
    public static partial void AuthorityLoaded(this ILogger logger, string authority, string kid, string alg, int keyCount);

    [LoggerMessage(1002, LogLevel.Warning, "Could not open the changed {Authority} authority at revision {Revision}; keeping the one in use")]
    public static partial void AuthorityReloadFailed(this ILogger logger, string authority, long revision, Exception exception);

    [LoggerMessage(1003, LogLevel.Warning, "The store's change feed was compacted past revision {Revision}; re-reading the authorities")]
    public static partial void AuthorityWatchCompacted(this ILogger logger, long revision);

    [LoggerMessage(1004, LogLevel.Warning, "Following the authorities in the store failed; retrying in {Delay}")]
    public static partial void AuthorityWatchFailed(this ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(1010, LogLevel.Information, "Postern is listening on {Address}; public address {PublicAddr}")]
    public static partial void Listening(this ILogger logger, string address, string publicAddr);

    [LoggerMessage(1011, LogLevel.Warning, "TLS is disabled: Postern serves plain HTTP and must sit behind a TLS-terminating load balancer")]
    public static partial void TlsDisabled(this ILogger logger);

    [LoggerMessage(1020, LogLevel.Warning, "The store's change feed was compacted past revision {Revision}; re-reading users, roles, apps and locks")]
    public static partial void StateWatchCompacted(this ILogger logger, long revision);

    [LoggerMessage(1021, LogLevel.Warning, "Following users, roles, apps and locks in the store failed; retrying in {Delay}")]
    public static partial void StateWatchFailed(this ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(1022, LogLevel.Warning, "The stored resource {Key} at revision {Revision} is not readable; it is ignored")]
    public static partial void StoredResourceUnreadable(this ILogger logger, string key, long revision, Exception exception);

    [LoggerMessage(1030, LogLevel.Warning, "App {App}: a value of header {Header} for user {User} was refused and not sent: {Reason}")]
    public static partial void HeaderValueRefused(this ILogger logger, string app, string header, string user, string reason);

    [LoggerMessage(1033, LogLevel.Warning, "App {App}: its Set-Cookie for cookie {Cookie} was removed: {Reason}")]
    public static partial void UpstreamCookieRemoved(this ILogger logger, string app, string cookie, string reason);

    [LoggerMessage(1031, LogLevel.Error, "App {App}: could not issue the assertion for user {User}")]
    public static partial void AssertionMintFailed(this ILogger logger, string app, string user, Exception exception);

    [LoggerMessage(1036, LogLevel.Warning, "App {App}: the assertion for user {User} takes {Bytes} of the {Limit} header bytes the app accepts (over 75 %); largest claims: {Largest}")]
    public static partial void AssertionNearBudget(this ILogger logger, string app, string user, int bytes, int limit, string largest);

    [LoggerMessage(1037, LogLevel.Warning, "App {App}: the assertion for user {User} takes {Bytes} header bytes, over the {Limit} the app accepts; not forwarded. Largest claims: {Largest}")]
    public static partial void AssertionOverBudget(this ILogger logger, string app, string user, int bytes, int limit, string largest);

    [LoggerMessage(1038, LogLevel.Warning, "App {App}: a request of user {User} carries {Bytes} header bytes, over the {Limit} the app accepts; not forwarded")]
    public static partial void RequestOverBudget(this ILogger logger, string app, string user, int bytes, int limit);

    [LoggerMessage(1032, LogLevel.Warning, "App {App}: forwarding failed ({Error})")]
    public static partial void UpstreamFailed(this ILogger logger, string app, string error, Exception? exception);

    [LoggerMessage(1034, LogLevel.Information, "App {App}: aborted {Count} open request(s) of session {Session} of user {User}: {Reason}")]
    public static partial void OpenRequestsAborted(this ILogger logger, string app, string user, string session, int count, string reason);

    [LoggerMessage(1035, LogLevel.Error, "App {App}: could not check the open requests of session {Session}")]
    public static partial void OpenRequestsCheckFailed(this ILogger logger, string app, string session, Exception exception);

    [LoggerMessage(1040, LogLevel.Error, "Could not write a {EventType} audit event")]
    public static partial void AuditFailed(this ILogger logger, string eventType, Exception exception);

    [LoggerMessage(1050, LogLevel.Information, "The {Authority} authority moved from {From} to {To} ({Cause}); key {SigningKid} signs")]
    public static partial void AuthorityRotated(this ILogger logger, string authority, string from, string to, string cause, string signingKid);

    [LoggerMessage(1051, LogLevel.Error, "Rotating the {Authority} authority failed; retrying")]
    public static partial void RotationFailed(this ILogger logger, string authority, Exception exception);

    [LoggerMessage(1060, LogLevel.Information, "Instance {Holder}: leader of the once-only work (key rotation steps, expiry sweeps): {Leader}")]
    public static partial void LeadershipChanged(this ILogger logger, string holder, bool leader);

    [LoggerMessage(1061, LogLevel.Warning, "Could not renew the leader lease ({Error}); retrying")]
    public static partial void LeaseRenewalFailed(this ILogger logger, string error);

    [LoggerMessage(1070, LogLevel.Warning, "Waiting for the store: {Error}; retrying in {Delay}")]
    public static partial void WaitingForStore(this ILogger logger, string error, TimeSpan delay);

    [LoggerMessage(1080, LogLevel.Warning, "SSO sign-in through connector {Connector} refused ({Code}): {Reason}")]
    public static partial void SsoSignInRefused(this ILogger logger, string connector, string code, string reason, Exception? exception);

    [LoggerMessage(1081, LogLevel.Warning, "A sign-in code of postern login --sso presented from {ClientAddr} was refused: {Reason}")]
    public static partial void ClientCodeRefused(this ILogger logger, string? clientAddr, string reason);

    [LoggerMessage(1097, LogLevel.Warning, "Upgraded the preset role {Role}, unchanged since an earlier version seeded it: it no longer grants every workload identity; roles that should grant one name its labels")]
    public static partial void PresetRoleUpgraded(this ILogger logger, string role);

    [LoggerMessage(1098, LogLevel.Warning, "A request to {Path} was answered 503: {Reason}")]
    public static partial void AuditLogBusy(this ILogger logger, string path, string reason);

    [LoggerMessage(1260, LogLevel.Information, "Accepted the bundle of federated trust domain {TrustDomain} (sequence {Sequence}); JWT-SVID keys: {Kids}")]
    public static partial void FederatedBundleAccepted(this ILogger logger, string trustDomain, long? sequence, string kids);

    [LoggerMessage(1261, LogLevel.Warning, "Refused the bundle of federated trust domain {TrustDomain} from {Endpoint}, keeping the one held: {Reason}")]
    public static partial void FederatedBundleRefused(this ILogger logger, string trustDomain, string endpoint, string reason);

    [LoggerMessage(1262, LogLevel.Error, "Refreshing the federated trust bundles failed; retrying")]
    public static partial void FederationRefreshFailed(this ILogger logger, Exception exception);
}
