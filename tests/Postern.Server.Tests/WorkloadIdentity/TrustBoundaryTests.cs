using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Postern.Server.Tests.Infrastructure;
using Postern.Testing;
using Postern.WorkloadIdentity.Api;

namespace Postern.Server.Tests.WorkloadIdentity;

/// <summary>
/// An SVID goes only to the caller that policy names: no identity through the preset <c>access</c> role, an identity
/// goes to the kinds of caller its <c>callers</c> name (bots by default), and attested <c>workload.*</c> attributes are
/// believed only from an agent's credential.
/// </summary>
public sealed class TrustBoundaryTests : RunningServerTests
{
    private const string Password = "a long enough password 1";

    private WorkloadClient Client => new(Server);

    private AdminApi Admin => new(Server);

    /// <summary>An identity an operator defined for a bot, without rules, as the attacker found it.</summary>
    private static string Billing(string callers = "") => $$"""
        kind: workload_identity
        version: v1
        metadata: { name: billing, labels: { team: billing } }
        spec:
          spiffe: { id: /svc/billing }
          {{callers}}
        ---
        kind: role
        version: v1
        metadata: { name: billing-svid }
        spec:
          allow:
            workload_identity_labels: { team: billing }
        """;

    [Fact]
    public async Task A_person_with_only_the_preset_access_role_gets_no_workload_identity()
    {
        await Admin.CreateAsync(Billing("callers: [users, bots]"));
        await Admin.AddUserAsync("mallory", Password, ["access"]);

        var (status, body) = await IssueAsUserAsync("mallory", new JwtSvidRequest(["sts.amazonaws.com"]));

        Assert.True(status == HttpStatusCode.Forbidden, body.ToString());
        Assert.Contains("workload identity 'billing'", body.GetProperty("details")[0].GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(await Admin.AuditAsync("jwt_svid.issued"), e => e.GetProperty("caller").GetString() == "user/mallory");
    }

    [Fact]
    public async Task A_person_whose_role_names_the_labels_gets_an_identity_open_to_users()
    {
        await Admin.CreateAsync(Billing("callers: [users, bots]"));
        await Admin.AddUserAsync("dana", Password, ["billing-svid"]);

        var (status, body) = await IssueAsUserAsync("dana", new JwtSvidRequest(["sts.amazonaws.com"]));

        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal("spiffe://test.example.com/svc/billing", Assert.Single(body.GetProperty("svids").EnumerateArray().ToList()).GetProperty("spiffe_id").GetString());
    }

    [Fact]
    public async Task An_identity_without_callers_goes_to_bots_only_and_a_person_with_the_labels_is_refused()
    {
        await Admin.CreateAsync(Billing());
        await Admin.AddUserAsync("erin", Password, ["billing-svid"]);

        var (status, body) = await IssueAsUserAsync("erin", new JwtSvidRequest(["sts.amazonaws.com"]));
        Assert.True(status == HttpStatusCode.Forbidden, body.ToString());
        Assert.Contains("workload identity 'billing' is for bots only (spec.callers); user/erin is a user", body.GetProperty("details")[0].GetString(), StringComparison.Ordinal);

        var bot = await Client.JoinNewBotAsync("billing-ci", "billing-svid", agent: false);
        Assert.Equal("spiffe://test.example.com/svc/billing", (await Client.IssueOneAsync(bot, new JwtSvidRequest(["sts.amazonaws.com"]))).GetProperty("spiffe_id").GetString());
    }

    [Fact]
    public async Task An_identity_for_users_only_is_refused_to_a_bot()
    {
        await Admin.CreateAsync(Billing("callers: [users]"));
        var bot = await Client.JoinNewBotAsync("users-only", "billing-svid", agent: false);

        var (status, body) = await Client.IssueAsync(bot, new JwtSvidRequest(["a"]));

        Assert.True(status == HttpStatusCode.Forbidden, body.ToString());
        Assert.Contains("workload identity 'billing' is for users only (spec.callers); bot/users-only is a bot", body.GetProperty("details")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_script_bots_claimed_workload_attributes_are_refused_with_the_reason_and_audited()
    {
        await Admin.CreateAsync(WorkloadClient.Policy);
        var script = await Client.JoinNewBotAsync("ci-script", agent: false);

        var (status, body) = await Client.IssueAsync(script, new JwtSvidRequest(["a"], Workload: WorkloadClient.Unix(1000)));

        Assert.True(status == HttpStatusCode.Forbidden, body.ToString());
        Assert.Equal(
            "workload: bot/ci-script joined as a script, not as an agent; only an agent's credential may present attested workload attributes (join the agent with a token from `postern bots token ci-script --agent`)",
            body.GetProperty("error").GetString());
        var denied = Assert.Single(await Admin.AuditAsync("jwt_svid.denied"), e => e.GetProperty("caller").GetString() == "bot/ci-script");
        Assert.Contains(body.GetProperty("error").GetString(), denied.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.DoesNotContain(await Admin.AuditAsync("jwt_svid.issued"), e => e.GetProperty("caller").GetString() == "bot/ci-script");
    }

    [Fact]
    public async Task The_same_attributes_from_an_agents_credential_are_accepted()
    {
        await Admin.CreateAsync(WorkloadClient.Policy);
        var agent = await Client.JoinNewBotAsync("host-a", agent: true);

        var svid = await Client.IssueOneAsync(agent, new JwtSvidRequest(["a"], Workload: WorkloadClient.Unix(1000)));

        Assert.Equal("spiffe://test.example.com/uid/1000", svid.GetProperty("spiffe_id").GetString());
    }

    [Fact]
    public async Task Agent_standing_is_kept_by_renewal_and_a_second_token_says_its_own()
    {
        await Admin.CreateAsync(WorkloadClient.Policy);
        var agent = await Client.JoinNewBotAsync("renewing", agent: true);
        var (status, renewed) = await Client.PostAsync("/v1/bots/renew", agent, new { });
        Assert.True(status == HttpStatusCode.OK, renewed.ToString());
        await Client.IssueOneAsync(renewed.GetProperty("credential").GetString()!, new JwtSvidRequest(["a"], Workload: WorkloadClient.Unix(1000)));

        // Another token for the same bot, without --agent, makes a script credential.
        using var response = await Admin.SendAsync(HttpMethod.Post, "bots/renewing/tokens", JsonContent.Create(new { }));
        var made = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var (joined, grant) = await Client.JoinAsync(made.GetProperty("token").GetString()!);
        Assert.True(joined == HttpStatusCode.OK, grant.ToString());
        (status, _) = await Client.IssueAsync(grant.GetProperty("credential").GetString()!, new JwtSvidRequest(["a"], Workload: WorkloadClient.Unix(1000)));
        Assert.Equal(HttpStatusCode.Forbidden, status);

        var tokens = await Admin.AuditAsync("bot.join_token.create");
        Assert.Equal([true, false], tokens.Where(e => e.GetProperty("bot").GetString() == "renewing").Select(e => e.GetProperty("agent").GetBoolean()));
        Assert.True(Assert.Single(await Admin.AuditAsync("bot.create"), e => e.GetProperty("bot").GetString() == "renewing").GetProperty("agent").GetBoolean());
    }

    [Fact]
    public async Task An_agent_that_joins_with_a_script_token_is_refused_and_the_token_is_not_used_up()
    {
        await Admin.CreateAsync(WorkloadClient.Policy);
        var token = await Client.AddBotAsync("not-an-agent", agent: false);

        var (status, body) = await Client.PostAsync(WorkloadApiPaths.Join, null, new { token, agent = true });
        Assert.True(status == HttpStatusCode.Unauthorized, body.ToString());
        Assert.Equal(
            "the join token of bot 'not-an-agent' is not an agent's; make one with `postern bots token not-an-agent --agent`",
            body.GetProperty("error").GetString());

        var refused = Assert.Single(await Admin.AuditAsync("bot.join"), e => e.GetProperty("bot").GetString() == "not-an-agent");
        Assert.False(refused.GetProperty("success").GetBoolean());
        Assert.Equal(body.GetProperty("error").GetString(), refused.GetProperty("reason").GetString());

        (status, body) = await Client.JoinAsync(token);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> IssueAsUserAsync(string user, JwtSvidRequest request)
    {
        using var http = TestPostern.CreateClient(Server.CertificatePath);
        using (var login = await http.PostAsJsonAsync(Server.BaseUrl + "/v1/login", new { username = user, password = Password }))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        using var response = await http.PostAsJsonAsync(Server.BaseUrl + WorkloadApiPaths.JwtSvids, request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}
