using System.Text;
using System.Text.Json;
using Postern.WorkloadIdentity.Api;

namespace Postern.Core.Tests.WorkloadIdentity.Api;

/// <summary>The workload identity API's bodies byte for byte as they go on the wire, and the refusal of members no record has.</summary>
public sealed class WorkloadApiJsonTests
{
    private static readonly DateTimeOffset Expires = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static WorkloadApiJsonContext Json => WorkloadApiJsonContext.Default;

    [Fact]
    public void Every_body_has_the_member_names_of_the_wire()
    {
        Assert.Equal("""{"token":"t"}""", JsonSerializer.Serialize(new JoinRequest("t"), Json.JoinRequest));
        Assert.Equal(
            """{"bot":"ci","credential":"c","expires":"2030-01-02T03:04:05+00:00","trust_domain":"td"}""",
            JsonSerializer.Serialize(new BotCredentialGrant("ci", "c", Expires, "td"), Json.BotCredentialGrant));
        Assert.Equal(
            """{"audiences":["a"],"workload":{"unix":{"uid":1000,"gid":100,"pid":42,"exe":null,"exe_sha256":null}}}""",
            JsonSerializer.Serialize(new JwtSvidRequest(["a"], Workload: new WorkloadAttestation(new UnixAttestation(1000, 100, 42, null))), Json.JwtSvidRequest));
        Assert.Equal(
            """{"audiences":["a"],"ttl":"5m","spiffe_id":"spiffe://td/x"}""",
            JsonSerializer.Serialize(new JwtSvidRequest(["a"], "5m", "spiffe://td/x"), Json.JwtSvidRequest));
        Assert.Equal(
            """{"svids":[{"spiffe_id":"spiffe://td/x","jwt_svid":"h.p.s","expires":"2030-01-02T03:04:05+00:00","jti":"j","workload_identity":"w","hint":null}]}""",
            JsonSerializer.Serialize(new JwtSvidResponse([new IssuedSvid("spiffe://td/x", "h.p.s", Expires, "j", "w", null)]), Json.JwtSvidResponse));
        Assert.Equal("""{"revision":7}""", JsonSerializer.Serialize(new PolicyRevision(7), Json.PolicyRevision));
        Assert.Equal("""{"error":"no"}""", JsonSerializer.Serialize(new ApiError("no"), Json.ApiError));
        Assert.Equal("""{"error":"no","details":["a","b"]}""", JsonSerializer.Serialize(new ApiError("no", ["a", "b"]), Json.ApiError));
    }

    [Fact]
    public void A_record_keeps_its_wire_names_with_any_serializer()
    {
        var request = new JwtSvidRequest(["a"], Workload: new WorkloadAttestation(new UnixAttestation(1000, 100, 42, "/bin/x", "ab")));

        Assert.Equal(JsonSerializer.Serialize(request, Json.JwtSvidRequest), JsonSerializer.Serialize(request, JsonSerializerOptions.Web));
        Assert.Equal(
            JsonSerializer.Serialize(new BotCredentialGrant("ci", "c", Expires, "td"), Json.BotCredentialGrant),
            JsonSerializer.Serialize(new BotCredentialGrant("ci", "c", Expires, "td"), JsonSerializerOptions.Web));
    }

    [Fact]
    public void A_body_with_a_member_no_record_has_is_refused_by_name()
    {
        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("""{"revision":1,"extra":true}""", Json.PolicyRevision));
        Assert.Contains("'extra'", error.Message, StringComparison.Ordinal);

        error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("""{"svids":[{"spiffe_id":"s","jwt_svid":"t","expires":"2030-01-02T03:04:05+00:00","jti":"j","workload_identity":"w","hint":null,"x509":""}]}""", Json.JwtSvidResponse));
        Assert.Contains("'x509'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_client_reads_an_answer_from_a_newer_server_that_added_a_member()
    {
        var answer = JsonSerializer.Deserialize(
            """{"svids":[{"spiffe_id":"s","jwt_svid":"t","expires":"2030-01-02T03:04:05+00:00","jti":"j","workload_identity":"w","hint":null,"x509":""}],"next":1}""",
            WorkloadApiJsonContext.Answers.JwtSvidResponse);

        Assert.Equal(("s", "t", Expires), (answer!.Svids[0].SpiffeId, answer.Svids[0].JwtSvid, answer.Svids[0].Expires));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("""{"audiences":["a"],"extra":1}""", Json.JwtSvidRequest));
    }

    [Theory]
    [InlineData("""{"token":"t"}""", null)]
    [InlineData("""{}""", "token: the join token is required")]
    [InlineData("""{"token":""}""", "token: the join token is required")]
    [InlineData("""{"token":5}""", "token: the join token is required")]
    [InlineData("""{"token":"t","bot":"x"}""", "unknown field 'bot' (expected: token, agent)")]
    [InlineData("""{"token":"t","agent":true}""", null)]
    [InlineData("""{"token":"t","agent":"yes"}""", "agent: expected true or false")]
    [InlineData("""["t"]""", "the request body is not a JSON object")]
    public void A_join_request_is_read_or_refused_with_the_reason(string body, string? expected)
    {
        var ok = JoinRequest.TryParse(Encoding.UTF8.GetBytes(body), out var request, out var error);

        Assert.Equal(expected is null, ok);
        Assert.Equal(expected, error);
        Assert.Equal(expected is null ? "t" : null, request?.Token);
    }
}
