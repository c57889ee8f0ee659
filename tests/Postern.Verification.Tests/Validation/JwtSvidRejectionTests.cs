using System.Text.Json.Nodes;
using Postern.Verification.Tests.Infrastructure;

namespace Postern.Verification.Tests.Validation;

/// <summary>
/// Every way a JWT-SVID is refused when validated against a bundle (<see cref="KeySet"/>) for
/// trust domain <c>example.com</c> and audience <c>db</c>, as the agent's <c>ValidateJWTSVID</c>
/// does; each row changes one thing about a good SVID and asserts the exact rejection code.
/// The rows up to "header not JSON" are the agent's former validator table.
/// </summary>
public sealed class JwtSvidRejectionTests
{
    private sealed record Case(TokenRejection Expected, Func<DateTimeOffset, string> Token, string? MessageMentions = null);

    private static readonly TimeSpan Skew = PosternTokenValidatorOptions.DefaultClockSkew;

    private static TokenBuilder Valid(DateTimeOffset now) => TokenBuilder.JwtSvid(now);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["wrong audience"] = new(TokenRejection.InvalidAudience,
            now => Valid(now).Claim("aud", new JsonArray("web", "api")).SignedBy(TestKeys.Rsa), "'web'"),
        ["expired 1 s beyond the clock skew"] = new(TokenRejection.Expired,
            now => Valid(now).Claim("exp", (now - Skew - TimeSpan.FromSeconds(1)).ToUnixTimeSeconds()).SignedBy(TestKeys.Rsa), "expired"),
        ["expiring this second, counting the clock skew"] = new(TokenRejection.Expired,
            now => Valid(now).Claim("exp", (now - Skew).ToUnixTimeSeconds()).SignedBy(TestKeys.Rsa), "expired"),
        ["no expiry"] = new(TokenRejection.MissingClaim, now => Valid(now).WithoutClaim("exp").SignedBy(TestKeys.Rsa), "'exp'"),
        ["no audience"] = new(TokenRejection.MissingClaim, now => Valid(now).WithoutClaim("aud").SignedBy(TestKeys.Rsa), "'aud'"),
        ["subject of another trust domain"] = new(TokenRejection.InvalidSubject,
            now => Valid(now).Claim("sub", "spiffe://evil.example.com/uid/1000").SignedBy(TestKeys.Rsa), "trust domain 'evil.example.com'"),
        ["subject not a SPIFFE ID"] = new(TokenRejection.InvalidSubject,
            now => Valid(now).Claim("sub", "user@example.com").SignedBy(TestKeys.Rsa), "not a SPIFFE ID"),
        ["subject without a path"] = new(TokenRejection.InvalidSubject,
            now => Valid(now).Claim("sub", "spiffe://example.com").SignedBy(TestKeys.Rsa), "not a workload"),
        ["no subject"] = new(TokenRejection.MissingClaim, now => Valid(now).WithoutClaim("sub").SignedBy(TestKeys.Rsa), "'sub'"),
        ["tampered payload"] = new(TokenRejection.InvalidSignature, now =>
        {
            var parts = Valid(now).SignedBy(TestKeys.Rsa).Split('.');
            return string.Join('.', parts[0], Valid(now).Claim("sub", "spiffe://example.com/uid/0").Unsigned().Split('.')[1], parts[2]);
        }, "signature"),
        ["signature cut"] = new(TokenRejection.InvalidSignature, now =>
        {
            var parts = Valid(now).SignedBy(TestKeys.Rsa).Split('.');
            return string.Join('.', parts[0], parts[1], parts[2][..20]);
        }, "signature"),
        ["signed by a key not in the bundle, same kid"] = new(TokenRejection.InvalidSignature,
            now => Valid(now).Header("kid", TestKeys.Rsa.KeyId).SignedBy(TestKeys.Stranger), "signature"),
        ["unknown kid"] = new(TokenRejection.UnknownKeyId,
            now => Valid(now).Header("kid", "nope").SignedBy(TestKeys.Rsa), "'nope' in the bundle of trust domain 'example.com'"),
        ["alg none"] = new(TokenRejection.AlgorithmNotAllowed,
            now => Valid(now).Header("alg", "none").Header("kid", TestKeys.Rsa.KeyId).SignedBy(TestKeys.Rsa), "'none'"),
        ["alg HS256"] = new(TokenRejection.AlgorithmNotAllowed,
            now => Valid(now).Header("alg", "HS256").Header("kid", TestKeys.Rsa.KeyId).SignedBy(TestKeys.Rsa), "'HS256'"),
        ["not a JWS"] = new(TokenRejection.Malformed, _ => "abc", "three segments"),
        ["not base64url"] = new(TokenRejection.Malformed, _ => "a*b.c.d", "base64url"),
        ["header not JSON"] = new(TokenRejection.Malformed,
            now => TokenBuilder.Encode("not json") + "." + Valid(now).SignedBy(TestKeys.Rsa).Split('.', 2)[1], "JSON"),

        // The rules the agent's own validator did not apply.
        ["not valid for 1 s beyond the clock skew"] = new(TokenRejection.NotYetValid,
            now => Valid(now).Claim("nbf", (now + Skew + TimeSpan.FromSeconds(1)).ToUnixTimeSeconds()).SignedBy(TestKeys.Rsa), "not valid before"),
        ["typ neither JWT nor JOSE"] = new(TokenRejection.InvalidType, now => Valid(now).Header("typ", "at+jwt").SignedBy(TestKeys.Rsa), "'at+jwt'"),
        ["typ not a string"] = new(TokenRejection.Malformed, now => Valid(now).Header("typ", 1).SignedBy(TestKeys.Rsa), "'typ'"),
        ["no kid"] = new(TokenRejection.MissingKeyId, now => Valid(now).WithoutHeader("kid").SignedBy(TestKeys.Rsa)),
        ["ES256 signature with one byte changed"] = new(TokenRejection.InvalidSignature,
            now => TokenBuilder.WithSignatureByteFlipped(Valid(now).SignedBy(TestKeys.Ec))),
        ["aud a bare string naming another audience"] = new(TokenRejection.InvalidAudience, now => Valid(now).Claim("aud", "api").SignedBy(TestKeys.Rsa)),
        ["subject of a trust domain that extends ours"] = new(TokenRejection.InvalidSubject,
            now => Valid(now).Claim("sub", "spiffe://example.com.evil.net/uid/1000").SignedBy(TestKeys.Rsa), "'example.com.evil.net'"),
        ["subject with the trust domain in upper case"] = new(TokenRejection.InvalidSubject,
            now => Valid(now).Claim("sub", "spiffe://EXAMPLE.com/uid/1000").SignedBy(TestKeys.Rsa), "not a SPIFFE ID"),
        ["subject with a port"] = new(TokenRejection.InvalidSubject,
            now => Valid(now).Claim("sub", "spiffe://example.com:8443/uid/1000").SignedBy(TestKeys.Rsa), "not a SPIFFE ID"),
        ["subject with a trailing slash"] = new(TokenRejection.InvalidSubject,
            now => Valid(now).Claim("sub", "spiffe://example.com/uid/1000/").SignedBy(TestKeys.Rsa), "not a SPIFFE ID"),
        ["subject with only a slash for a path"] = new(TokenRejection.InvalidSubject,
            now => Valid(now).Claim("sub", "spiffe://example.com/").SignedBy(TestKeys.Rsa), "not a SPIFFE ID"),
        ["subject with an empty segment"] = new(TokenRejection.InvalidSubject,
            now => Valid(now).Claim("sub", "spiffe://example.com/uid//1000").SignedBy(TestKeys.Rsa), "not a SPIFFE ID"),
        ["subject with a '..' segment"] = new(TokenRejection.InvalidSubject,
            now => Valid(now).Claim("sub", "spiffe://example.com/uid/../0").SignedBy(TestKeys.Rsa), "not a SPIFFE ID"),
        ["subject with a query"] = new(TokenRejection.InvalidSubject,
            now => Valid(now).Claim("sub", "spiffe://example.com/uid/1000?admin=1").SignedBy(TestKeys.Rsa), "not a SPIFFE ID"),
        ["subject longer than 2048 bytes"] = new(TokenRejection.InvalidSubject,
            now => Valid(now).Claim("sub", "spiffe://example.com/" + new string('a', 2048)).SignedBy(TestKeys.Rsa), "2048 bytes"),
        ["subject with the scheme in upper case"] = new(TokenRejection.InvalidSubject,
            now => Valid(now).Claim("sub", "SPIFFE://example.com/uid/1000").SignedBy(TestKeys.Rsa), "not a SPIFFE ID"),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Rejects(string name)
    {
        var harness = new SvidHarness();
        var @case = Cases[name];
        var token = @case.Token(harness.Clock.GetUtcNow());

        var result = await harness.ValidateAsync(token);

        RejectionAssert.Rejected(result, @case.Expected, @case.MessageMentions, token);
    }
}
