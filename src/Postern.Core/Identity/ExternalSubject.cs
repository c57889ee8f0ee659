namespace Postern.Identity;

/// <summary>
/// Who an identity provider says a person is: its issuer (<c>iss</c>) and the subject it gives them (<c>sub</c>), a
/// pair that, unlike an email address or a user name, the provider never gives anybody else (OpenID Connect Core
/// §5.7). A user made by a connector is bound to the pair of their first sign-in, and later sign-ins must present it.
/// </summary>
/// <param name="Issuer">The <c>iss</c> of the ID token.</param>
/// <param name="Subject">The <c>sub</c> of the ID token.</param>
public sealed record ExternalSubject(string Issuer, string Subject);
