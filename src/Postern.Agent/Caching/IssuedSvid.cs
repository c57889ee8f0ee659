namespace Postern.Agent.Caching;

/// <summary>One JWT-SVID as the server issued it.</summary>
/// <param name="SpiffeId">The SPIFFE ID in the token's <c>sub</c>.</param>
/// <param name="Token">The compact JWT.</param>
/// <param name="Expires">When the token expires.</param>
/// <param name="Hint">The workload identity that granted it, so a workload with several can tell them apart.</param>
/// <param name="TokenId">The token's <c>jti</c>: what logs name it by.</param>
internal sealed record IssuedSvid(string SpiffeId, string Token, DateTimeOffset Expires, string Hint, string TokenId);
