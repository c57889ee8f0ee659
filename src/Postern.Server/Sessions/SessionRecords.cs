namespace Postern.Server.Sessions;

/// <summary>A signed-in user's session on the web address, at <c>/sessions/web/&lt;hash&gt;</c>.</summary>
internal sealed record WebSession(string User, DateTimeOffset Created, DateTimeOffset Expires);

/// <summary>A session for one app on the app's own host, at <c>/sessions/app/&lt;hash&gt;</c>; it ends with its web session.</summary>
internal sealed record AppSession(string User, string App, string WebSession, DateTimeOffset Created, DateTimeOffset Expires);

/// <summary>
/// A one-time code that carries an app launch from the web address to the app's host, at
/// <c>/sessions/codes/&lt;hash&gt;</c>. It is bound to the state cookie set on the app's host when the
/// launch began, so a code cannot be planted in another browser.
/// </summary>
internal sealed record LaunchCode(string User, string App, string WebSession, DateTimeOffset SessionExpires, string StateHash, string Path, DateTimeOffset Expires);

/// <summary>
/// Sign-in attempts for one user name from one client address, at <c>/login_attempts/address/&lt;name&gt;/&lt;address&gt;</c>:
/// attempts counted and not yet followed by a success, when the last was counted, until when the pair is locked
/// out, and when the user last signed in from there.
/// </summary>
internal sealed record AddressAttempts(int Failures, DateTimeOffset? LastFailure, DateTimeOffset? NotBefore, DateTimeOffset? SignedIn);

/// <summary>Sign-in attempts for a user name from every address, at <c>/login_attempts/name/&lt;name&gt;</c>, and the earliest time of the next.</summary>
internal sealed record NameAttempts(int Failures, DateTimeOffset? NotBefore);

/// <summary>
/// A one-time sign-up link for a new user to set a password, at <c>/sessions/signup/&lt;hash&gt;</c>. It is for the
/// user of that name created at <paramref name="UserCreated"/>, and for no user of the same name added later.
/// </summary>
internal sealed record SignupToken(string User, DateTimeOffset UserCreated, DateTimeOffset Expires);

/// <summary>
/// A client credential of <c>postern login</c>, at <c>/sessions/client/&lt;hash&gt;</c>: the admin commands' bearer token for
/// <paramref name="User"/>. It lives only as long as the web session <paramref name="WebSession"/> (hash) it was opened with.
/// </summary>
internal sealed record ClientCredential(string User, string WebSession, DateTimeOffset Created, DateTimeOffset Expires);

/// <summary>
/// A one-time code that carries an SSO sign-in made for <c>postern login --sso</c> from the browser to the command line, at
/// <c>/sessions/client_codes/&lt;hash&gt;</c>. Only the command that started the sign-in can redeem it: it must present the
/// verifier whose SHA-256 (base64url) is <paramref name="Challenge"/>. It redeems to a client credential for the web session
/// <paramref name="WebSession"/> (hash), and lives until <paramref name="Expires"/> (a minute).
/// </summary>
internal sealed record ClientLoginCode(string User, string WebSession, string Challenge, DateTimeOffset Expires);
