namespace Postern.Agent.Tests.EndToEnd.Rotation;

/// <summary>What one verifier said of one token (accepted: the kid that verified it; rejected: why), and how long after the token was produced.</summary>
internal sealed record TokenVerdict(string Verifier, IssuedToken Token, bool Accepted, string? Reason, TimeSpan After)
{
    public string Kind => Token.Kind;

    public override string ToString() => Accepted
        ? $"{Verifier} accepted a {Token.Source} (kid {Token.Kid})"
        : $"{Verifier} rejected a {Token.Source} (kid {Token.Kid}) {After.TotalMilliseconds:F0} ms after it was produced: {Reason}";
}
