using System.Diagnostics;
using Postern.Agent.Tests.Infrastructure;

namespace Postern.Agent.Tests.EndToEnd.Rotation;

/// <summary>
/// A token the load produced: its kind (<c>jwt</c>: an app access assertion; <c>workload</c>: a JWT-SVID),
/// where it came from, and the audience it was issued for.
/// </summary>
internal sealed record IssuedToken(string Kind, string Source, string Value, string Audience)
{
    private readonly long _producedAt = Stopwatch.GetTimestamp();

    public string Kid => JwtParts.Kid(Value);

    /// <summary>How long ago it was produced.</summary>
    public TimeSpan Age => Stopwatch.GetElapsedTime(_producedAt);

    public override string ToString() => $"{Source} ({Kind}, kid {Kid})";
}
