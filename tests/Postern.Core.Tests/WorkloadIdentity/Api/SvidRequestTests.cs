using System.Text;
using Postern.WorkloadIdentity;
using Postern.WorkloadIdentity.Api;

namespace Postern.Core.Tests.WorkloadIdentity.Api;

/// <summary>Reading a JWT-SVID request body: what is accepted, and the message for each way of getting it wrong.</summary>
public sealed class SvidRequestTests
{
    private static readonly TimeSpan MaxTtl = TimeSpan.FromHours(1);

    private static readonly WorkloadCaller Agent = new() { Kind = WorkloadCallerKind.Bot, Name = "host-a", Agent = true };

    private static readonly WorkloadCaller Script = new() { Kind = WorkloadCallerKind.Bot, Name = "ci" };

    private static readonly WorkloadCaller User = new() { Kind = WorkloadCallerKind.User, Name = "alice" };

    [Fact]
    public void An_agents_request_is_read_with_the_attested_workload()
    {
        var parsed = Parse("""{"audiences":["a","b"],"ttl":"2m","spiffe_id":"spiffe://td/x","workload":{"unix":{"uid":1000,"gid":100,"pid":42,"exe":"/bin/app"}}}""", Agent);

        Assert.Equal(["a", "b"], parsed.Audiences);
        Assert.Equal(TimeSpan.FromMinutes(2), parsed.Ttl);
        Assert.Equal("spiffe://td/x", parsed.SpiffeId);
        Assert.Equal(new UnixAttributes(1000, 100, 42, "/bin/app"), parsed.Unix);
    }

    [Fact]
    public void Nulls_read_as_left_out()
    {
        var parsed = Parse("""{"audiences":["a"],"ttl":null,"spiffe_id":null,"workload":null}""", User);

        Assert.Null(parsed.Ttl);
        Assert.Null(parsed.SpiffeId);
        Assert.Null(parsed.Unix);
    }

    [Theory]
    [InlineData("{}", "audiences: required, a list of strings")]
    [InlineData("""{"audiences":null}""", "audiences: required, a list of strings")]
    [InlineData("""{"audiences":"a"}""", "audiences: required, a list of strings")]
    [InlineData("""{"audiences":{"a":1}}""", "audiences: required, a list of strings")]
    [InlineData("""{"audiences":[1]}""", "audiences: every audience must be a string")]
    [InlineData("""{"audiences":["a",null]}""", "audiences: every audience must be a string")]
    [InlineData("""{"audiences":[]}""", "audiences: at least one audience is required")]
    [InlineData("""{"audiences":[""]}""", "audiences[0]: an audience must not be empty")]
    [InlineData("""{"audiences":["a"," "]}""", "audiences[1]: an audience must not be empty")]
    [InlineData("""{"audiences":["a\u0001"]}""", "audiences[0]: longer than 1024 characters or holds a control character")]
    [InlineData("""{"audiences":["a"],"ttl":5}""", "ttl: expected a duration such as \"5m\"")]
    [InlineData("""{"audiences":["a"],"ttl":"soon"}""", "ttl: ")]
    [InlineData("""{"audiences":["a"],"ttl":"0s"}""", "ttl: '0s' is too short (at least 1s)")]
    [InlineData("""{"audiences":["a"],"ttl":"2h"}""", "ttl: '2h' is over the maximum of 1h (workload_identity.max_ttl)")]
    [InlineData("""{"audiences":["a"],"spiffe_id":5}""", "spiffe_id: expected a string")]
    [InlineData("""{"audiences":["a"],"spiffe_id":"spiffe://test.example.com/a/../b"}""", "spiffe_id: the path '/a/../b' has a '..' segment")]
    [InlineData("""{"audiences":["a"],"audience":["b"]}""", "unknown field 'audience' (expected: audiences, ttl, spiffe_id, workload)")]
    [InlineData("""{"audiences":["a"],"Audiences":["b"]}""", "unknown field 'Audiences' (expected: audiences, ttl, spiffe_id, workload)")]
    [InlineData("""{"audiences":["a"],"a.b":1}""", "unknown field 'a.b' (expected: audiences, ttl, spiffe_id, workload)")]
    [InlineData("""{"audiences":["a"],"workload":5}""", "workload: expected {\"unix\":{\"uid\":…,\"gid\":…,\"pid\":…,\"exe\":…}}")]
    [InlineData("""{"audiences":["a"],"workload":{}}""", "workload: expected {\"unix\":{\"uid\":…,\"gid\":…,\"pid\":…,\"exe\":…}}")]
    [InlineData("""{"audiences":["a"],"workload":{"unix":null}}""", "workload: expected {\"unix\":{\"uid\":…,\"gid\":…,\"pid\":…,\"exe\":…}}")]
    [InlineData("""{"audiences":["a"],"workload":{"unix":{"uid":1,"gid":1},"k8s":{}}}""", "workload: expected {\"unix\":{\"uid\":…,\"gid\":…,\"pid\":…,\"exe\":…}}")]
    [InlineData("""{"audiences":["a"],"workload":{"unix":{"uid":1,"gid":1,"cwd":"/"}}}""", "workload: expected {\"unix\":{\"uid\":…,\"gid\":…,\"pid\":…,\"exe\":…}}")]
    [InlineData("""{"audiences":["a"],"workload":{"unix":{"uid":-1,"gid":0}}}""", "workload.unix: uid and gid are required non-negative integers")]
    [InlineData("""{"audiences":["a"],"workload":{"unix":{"gid":0}}}""", "workload.unix: uid and gid are required non-negative integers")]
    [InlineData("""{"audiences":["a"],"workload":{"unix":{"uid":"0","gid":0}}}""", "workload.unix: uid and gid are required non-negative integers")]
    [InlineData("""{"audiences":["a"],"workload":{"unix":{"uid":0,"gid":1.5}}}""", "workload.unix: uid and gid are required non-negative integers")]
    [InlineData("""{"audiences":["a"] """, "the request body is not a JSON object")]
    [InlineData("""{"audiences":["a"]} {}""", "the request body is not a JSON object")]
    [InlineData("[]", "the request body is not a JSON object")]
    [InlineData("", "the request body is not a JSON object")]
    public void Bad_input_is_refused_with_a_message_naming_the_member(string body, string expected)
    {
        Assert.False(SvidRequest.TryParse(Encoding.UTF8.GetBytes(body), Agent, MaxTtl, out var request, out var error));
        Assert.Null(request);
        Assert.Equal(SvidRequestRefusalCode.BadRequest, error.Code);
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("user", "workload: user/alice is a signed-in user; attested workload attributes come only from an agent's bot credential")]
    [InlineData("script", "workload: bot/ci joined as a script, not as an agent; only an agent's credential may present attested workload attributes (join the agent with a token from `postern bots token ci --agent`)")]
    public void Only_an_agent_may_send_workload_attributes(string presenter, string expected)
    {
        var body = """{"audiences":["a"],"workload":{"unix":{"uid":0,"gid":0}}}"""u8;

        Assert.False(SvidRequest.TryParse(body, presenter == "user" ? User : Script, MaxTtl, out var request, out var error));
        Assert.Null(request);
        Assert.Equal(SvidRequestRefusalCode.NotAnAgent, error.Code);
        Assert.Equal(expected, error.Message);
        Assert.True(SvidRequest.TryParse(body, Agent, MaxTtl, out _, out _));
    }

    [Fact]
    public void A_bad_body_is_a_bad_request_before_the_caller_is_judged()
    {
        var body = """{"audiences":["a"],"workload":{"unix":{"uid":-1,"gid":0}}}"""u8;

        Assert.False(SvidRequest.TryParse(body, Script, MaxTtl, out _, out var error));
        Assert.Equal(SvidRequestRefusalCode.BadRequest, error.Code);
    }

    [Fact]
    public void A_script_without_workload_attributes_is_read()
    {
        Assert.Null(Parse("""{"audiences":["a"]}""", Script).Unix);
    }

    [Fact]
    public void More_than_the_most_audiences_are_refused()
    {
        var body = new JwtSvidRequest([.. Enumerable.Range(0, SvidRequest.MaxAudiences + 1).Select(i => $"a{i}")]);
        var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(body, WorkloadApiJsonContext.Default.JwtSvidRequest);

        Assert.False(SvidRequest.TryParse(json, Agent, MaxTtl, out _, out var error));
        Assert.Equal("audiences: at most 16 are allowed", error.Message);
    }

    private static SvidRequest Parse(string body, WorkloadCaller caller)
    {
        Assert.True(SvidRequest.TryParse(Encoding.UTF8.GetBytes(body), caller, MaxTtl, out var request, out var error), error?.Message);
        return request;
    }
}
