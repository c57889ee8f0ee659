using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Postern.Admin.Api;

/// <summary>The answer of <c>GET /v1/admin/apps/{app}/assertion?user=U</c> (<c>postern doctor assertion</c>).</summary>
/// <param name="App">The app.</param>
/// <param name="User">The user.</param>
/// <param name="MaxHeaderBytes">The app's budget for the request headers Postern sends it.</param>
/// <param name="HeaderBytes">What the assertion and the templated headers take of it.</param>
/// <param name="Percent">That share of the budget, in whole percent.</param>
/// <param name="Verdict"><c>fits</c>, <c>warning</c> (over 75 %) or <c>over</c> (the request would not be forwarded).</param>
/// <param name="Headers">Each header Postern adds, with its size.</param>
/// <param name="Claims">The roles and each trait, largest first.</param>
/// <param name="Payload">The assertion's claims as the user would get them now (the token itself is never shown).</param>
public sealed record AssertionReport(
    [property: JsonPropertyName("app")] string App,
    [property: JsonPropertyName("user")] string User,
    [property: JsonPropertyName("max_header_bytes")] int MaxHeaderBytes,
    [property: JsonPropertyName("header_bytes")] int HeaderBytes,
    [property: JsonPropertyName("percent")] int Percent,
    [property: JsonPropertyName("verdict")] string Verdict,
    [property: JsonPropertyName("headers")] IReadOnlyList<SizedItem> Headers,
    [property: JsonPropertyName("claims")] IReadOnlyList<SizedItem> Claims,
    [property: JsonPropertyName("payload")] JsonObject Payload);
