using System.Text;
using System.Text.Json;
using Postern.Admin.Api;

namespace Postern.Core.Tests.Admin.Api;

/// <summary>The admin API's bodies byte for byte as they go on the wire, and how a request body is read or refused.</summary>
public sealed class AdminApiJsonTests
{
    private static readonly DateTimeOffset When = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static AdminApiJsonContext Json => AdminApiJsonContext.Default;

    [Fact]
    public void Every_request_has_the_member_names_of_the_wire()
    {
        Assert.Equal(
            """{"name":"alice","roles":["access"],"traits":{"logins":["alice","root"]},"password":null,"require_totp":false}""",
            JsonSerializer.Serialize(new AddUserRequest("alice", ["access"], Traits(), null, false), Json.AddUserRequest));
        Assert.Equal(
            """{"roles":null,"traits":null,"require_totp":true}""",
            JsonSerializer.Serialize(new UpdateUserRequest(null, null, true), Json.UpdateUserRequest));
        Assert.Equal(
            """{"name":"ci","roles":["workload"],"labels":{"site":"a"},"ttl":"1h"}""",
            JsonSerializer.Serialize(new AddBotRequest("ci", ["workload"], new Dictionary<string, string> { ["site"] = "a" }, "1h"), Json.AddBotRequest));
        Assert.Equal("""{"labels":null,"ttl":"5m"}""", JsonSerializer.Serialize(new JoinTokenRequest(Ttl: "5m"), Json.JoinTokenRequest));
        Assert.Equal("""{"target":"user/alice","ttl":null,"message":"incident 42"}""", JsonSerializer.Serialize(new LockRequest("user/alice", Message: "incident 42"), Json.LockRequest));
        Assert.Equal(
            """{"grace":"30m","manual":true,"phase":"init","rollback":false}""",
            JsonSerializer.Serialize(new RotateAuthorityRequest("30m", true, "init"), Json.RotateAuthorityRequest));
    }

    [Fact]
    public void Every_answer_has_the_member_names_of_the_wire()
    {
        var answers = AdminApiJsonContext.ServerAnswers;
        Assert.Equal(
            """[{"name":"alice","roles":["access"],"traits":{"logins":["alice","root"]},"created_at":"2030-01-02T03:04:05+00:00","has_password":true,"has_totp":false,"require_totp":true}]""",
            JsonSerializer.Serialize([new UserSummary("alice", ["access"], Traits(), When, true, false, true)], answers.IReadOnlyListUserSummary));
        Assert.Equal(
            """{"name":"bob","signup_url":"https://p.example/signup#t","signup_expires":"2030-01-02T03:04:05+00:00"}""",
            JsonSerializer.Serialize(new UserAdded("bob", "https://p.example/signup#t", When), answers.UserAdded));
        Assert.Equal("""{"name":"bob","signup_url":null,"signup_expires":null}""", JsonSerializer.Serialize(new UserAdded("bob", null, null), answers.UserAdded));
        Assert.Equal(
            """{"name":"alice","roles":["access"],"traits":{"logins":["alice","root"]},"require_totp":false}""",
            JsonSerializer.Serialize(new UserUpdated("alice", ["access"], Traits(), false), answers.UserUpdated));
        Assert.Equal("""{"name":"alice","sessions_ended":2}""", JsonSerializer.Serialize(new UserRemoved("alice", 2), answers.UserRemoved));
        Assert.Equal("""{"name":"alice","had_totp":true,"require_totp":false}""", JsonSerializer.Serialize(new TotpReset("alice", true, false), answers.TotpReset));
        Assert.Equal("""{"written":["role/dev","app/grafana"]}""", JsonSerializer.Serialize(new ResourcesWritten(["role/dev", "app/grafana"]), answers.ResourcesWritten));
        Assert.Equal("""{"target":"bot/ci","expires":null,"sessions_ended":0}""", JsonSerializer.Serialize(new LockPlaced("bot/ci", null, 0), answers.LockPlaced));
        Assert.Equal(
            """[{"target":"user/alice","created":"2030-01-02T03:04:05+00:00","expires":"2030-01-02T03:04:05+00:00","message":null}]""",
            JsonSerializer.Serialize([new LockSummary("user/alice", When, When, null)], answers.IReadOnlyListLockSummary));
        Assert.Equal("""{"name":"ci","token":"t","expires":"2030-01-02T03:04:05+00:00"}""", JsonSerializer.Serialize(new JoinTokenIssued("ci", "t", When), answers.JoinTokenIssued));
        Assert.Equal("""[{"name":"ci","roles":["workload"],"locked":true}]""", JsonSerializer.Serialize([new BotSummary("ci", ["workload"], true)], answers.IReadOnlyListBotSummary));
        Assert.Equal(
            """{"from":"standby","authority":{"type":"jwt","phase":"init","mode":"manual","grace":"30m","phase_since":"2030-01-02T03:04:05+00:00","next_step":null,"next_step_due":null,"new_key_algorithm":"ES256","keys":[{"kid":"k1","alg":"ES256","state":"signing","storage":"store","created":"2030-01-02T03:04:05+00:00"}]},"warning":null}""",
            JsonSerializer.Serialize(new RotationAnswer("standby", Authority(), null), answers.RotationAnswer));
        Assert.Equal("""{"error":"no","details":null}""", JsonSerializer.Serialize(new AdminError("no"), answers.AdminError));
        Assert.Equal("""{"error":"no","details":["a","b"]}""", JsonSerializer.Serialize(new AdminError("no", ["a", "b"]), answers.AdminError));
    }

    [Fact]
    public void The_server_escapes_only_what_JSON_requires_as_ASP_NET_Core_does()
    {
        var error = new AdminError("bot 'nobody' does not exist (add it with `postern bots add nobody --roles R&D+ops`) – é");

        Assert.Equal(
            """{"error":"bot 'nobody' does not exist (add it with `postern bots add nobody --roles R&D+ops`) – é","details":null}""",
            JsonSerializer.Serialize(error, AdminApiJsonContext.ServerAnswers.AdminError));
        Assert.Equal(error, JsonSerializer.Deserialize(JsonSerializer.Serialize(error, AdminApiJsonContext.ServerAnswers.AdminError), AdminApiJsonContext.Answers.AdminError));
    }

    [Fact]
    public void A_client_reads_an_answer_from_a_newer_server_that_added_a_member()
    {
        const string Answer = """[{"name":"ci","roles":["workload"],"locked":false,"agent":true}]""";

        var bot = Assert.Single(JsonSerializer.Deserialize(Answer, AdminApiJsonContext.Answers.IReadOnlyListBotSummary)!);

        Assert.Equal(("ci", "workload", false), (bot.Name, Assert.Single(bot.Roles), bot.Locked));
        Assert.Contains("'agent'", Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(Answer, Json.IReadOnlyListBotSummary)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"name":"a","roles":["access"],"traits":{"k":["v"]},"password":"p","require_totp":true}""", null)]
    [InlineData("""{"name":"a"}""", null)]
    [InlineData("""{"name":"a","roles":["access"],"rolse":[]}""", "unknown field 'rolse' (expected: name, roles, traits, password, require_totp)")]
    [InlineData("""{"Name":"a"}""", "unknown field 'Name' (expected: name, roles, traits, password, require_totp)")]
    [InlineData("""{"name":5}""", "name: expected a string")]
    [InlineData("""{"roles":"access"}""", "roles: expected a list of strings")]
    [InlineData("""{"roles":["access",1]}""", "roles: expected a list of strings")]
    [InlineData("""{"roles":["access",null]}""", "roles: expected a list of strings")]
    [InlineData("""{"traits":{"k":"v"}}""", "traits: expected an object whose values are lists of strings")]
    [InlineData("""{"traits":{"k":null}}""", "traits: expected an object whose values are lists of strings")]
    [InlineData("""{"require_totp":"yes"}""", "require_totp: expected true or false")]
    [InlineData("""["a"]""", "the request body is not a JSON object")]
    [InlineData("""{"name":"a"} {}""", "the request body is not a JSON object")]
    [InlineData("", "the request body is not a JSON object")]
    public void A_request_to_add_a_user_is_read_or_refused_with_the_reason(string body, string? expected)
    {
        var ok = AddUserRequest.TryParse(Encoding.UTF8.GetBytes(body), out var request, out var error);

        Assert.Equal(expected, error);
        Assert.Equal(expected is null, ok);
        Assert.Equal(expected is null ? "a" : null, request?.Name);
    }

    [Fact]
    public void The_other_requests_refuse_members_they_lack_and_values_of_another_type()
    {
        Assert.Equal("unknown field 'agnet' (expected: name, roles, labels, ttl, agent)", Refusal<AddBotRequest>(AddBotRequest.TryParse, """{"name":"ci","roles":["w"],"agnet":true}"""));
        Assert.Equal("labels: expected an object whose values are strings", Refusal<JoinTokenRequest>(JoinTokenRequest.TryParse, """{"labels":{"site":1}}"""));
        Assert.Equal("labels: expected an object whose values are strings", Refusal<AddBotRequest>(AddBotRequest.TryParse, """{"labels":{"site":null}}"""));
        Assert.Equal("unknown field 'reason' (expected: target, ttl, message)", Refusal<LockRequest>(LockRequest.TryParse, """{"target":"user/a","reason":"x"}"""));
        Assert.Equal("unknown field 'name' (expected: roles, traits, require_totp)", Refusal<UpdateUserRequest>(UpdateUserRequest.TryParse, """{"name":"a"}"""));
        Assert.Equal("manual: expected true or false", Refusal<RotateAuthorityRequest>(RotateAuthorityRequest.TryParse, """{"manual":null}"""));
        Assert.Equal("the request body is not a JSON object", Refusal<RotateAuthorityRequest>(RotateAuthorityRequest.TryParse, ""));
    }

    [Fact]
    public void A_join_token_request_may_be_left_out()
    {
        Assert.True(JoinTokenRequest.TryParse([], out var request, out _));
        Assert.Equal(new JoinTokenRequest(), request);
    }

    private delegate bool Parser<T>(ReadOnlySpan<byte> json, out T? request, out string? error);

    private static string? Refusal<T>(Parser<T> parse, string body)
    {
        Assert.False(parse(Encoding.UTF8.GetBytes(body), out var request, out var error));
        Assert.Null(request);
        return error;
    }

    private static Dictionary<string, IReadOnlyList<string>> Traits() => new() { ["logins"] = ["alice", "root"] };

    private static AuthoritySummary Authority() =>
        new("jwt", "init", "manual", "30m", When, null, null, "ES256", [new AuthorityKeySummary("k1", "ES256", "signing", "store", When)]);
}
