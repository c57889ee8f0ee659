using System.Text;
using System.Text.Json;
using Postern.AppAccess;
using Postern.Identity;
using Postern.Server.State;

namespace Postern.Server.AppAccess;

/// <summary>
/// What the headers Postern adds for one user take of an app's <c>max_header_bytes</c>: the assertion line and every
/// templated header line, each counted as HTTP/1.1 sends it (<c>Name: value</c> and CRLF), and the claims that weigh most.
/// </summary>
internal sealed record HeaderBudget(int Bytes, int Limit, IReadOnlyList<SizedPart> Headers, IReadOnlyList<SizedPart> Claims)
{
    /// <summary>The share of the budget above which a warning is recorded.</summary>
    public const double WarningShare = 0.75;

    /// <summary>As the token signer writes claim values: only what JSON requires is escaped.</summary>
    private static readonly JsonSerializerOptions PayloadJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>How many of the largest claims are named.</summary>
    private const int Named = 3;

    public bool IsOver => Bytes > Limit;

    public bool IsNear => !IsOver && Bytes > Limit * WarningShare;

    /// <summary>Whole percent of the budget used.</summary>
    public int Percent => (int)Math.Round(100.0 * Bytes / Limit, MidpointRounding.AwayFromZero);

    /// <summary>The largest claims as <c>traits.groups (9120 bytes)</c>, for logs, audit events and the user's page.</summary>
    public string LargestText => string.Join(", ", Largest.Select(c => $"{c.Name} ({c.Bytes} bytes)"));

    /// <summary>The claims that weigh most, largest first.</summary>
    public IEnumerable<SizedPart> Largest => Claims.Take(Named);

    /// <summary>The bytes one header line takes on the wire: the name, <c>": "</c>, the value in UTF-8 and CRLF.</summary>
    public static int LineBytes(string name, string value) => Encoding.ASCII.GetByteCount(name) + 2 + Encoding.UTF8.GetByteCount(value) + 2;

    /// <summary>Measures what <paramref name="user"/>'s request to <paramref name="app"/> carries with <paramref name="token"/>.</summary>
    public static HeaderBudget Measure(AppEntry app, User user, string token, AssertionClaims claims)
    {
        var headers = new List<SizedPart> { new(AppRequestTransformer.AssertionHeader, LineBytes(AppRequestTransformer.AssertionHeader, token)) };
        foreach (var rule in app.Config.Rewrite.HeaderRules)
        {
            if (HeaderRendering.Render(rule, user.Traits, user.ExternalTraits, token).Value is { } value)
            {
                headers.Add(new SizedPart(rule.Name, LineBytes(rule.Name, value)));
            }
        }

        return new HeaderBudget(headers.Sum(h => h.Bytes), app.Config.MaxHeaderBytes, headers, ClaimSizes(claims));
    }

    /// <summary>The roles and each trait, by the bytes of their JSON in the payload, largest first.</summary>
    private static IReadOnlyList<SizedPart> ClaimSizes(AssertionClaims claims)
    {
        var sizes = new List<SizedPart>();
        if (claims.Roles is { } roles)
        {
            sizes.Add(new SizedPart("roles", JsonSerializer.SerializeToUtf8Bytes(roles, PayloadJson).Length));
        }

        foreach (var (name, values) in claims.Traits ?? new Dictionary<string, IReadOnlyList<string>>())
        {
            sizes.Add(new SizedPart($"traits.{name}", JsonSerializer.SerializeToUtf8Bytes(values, PayloadJson).Length));
        }

        return [.. sizes.OrderByDescending(s => s.Bytes).ThenBy(s => s.Name, StringComparer.Ordinal)];
    }
}
