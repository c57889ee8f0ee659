namespace Postern.Server.Sso;

/// <summary>
/// The request budget of each client address at the SSO doors (login start and callback, together): roomier than the
/// password sign-in's, as no password is checked here and an office behind one address signs in through them.
/// </summary>
internal sealed record SsoLimits
{
    /// <summary>SSO requests a client address may send at once (a token bucket's size).</summary>
    public int AddressBurst { get; init; } = 120;

    /// <summary>How often a client address gets one more SSO request (120 a minute).</summary>
    public TimeSpan AddressRefill { get; init; } = TimeSpan.FromMilliseconds(500);
}
