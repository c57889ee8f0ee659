using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Postern.Server.Tests.Infrastructure;
using Postern.Testing;
using Postern.WorkloadIdentity.Api;

namespace Postern.Server.Tests.WorkloadIdentity;

/// <summary>
/// Bot credentials detect theft: renewal is one conditional write, and a credential presented after its successor was
/// issued (by the thief or by the bot, whichever renewed second) revokes the bot's credentials and is audited.
/// </summary>
public sealed class CredentialReuseTests : RunningServerTests
{
    private static readonly JwtSvidRequest Request = new(["a"], Workload: WorkloadClient.Unix(1000));

    private WorkloadClient Client => new(Server);

    private AdminApi Admin => new(Server);

    private async Task<string> BotAsync(string name)
    {
        await Admin.CreateAsync(WorkloadClient.Policy);
        return await Client.JoinNewBotAsync(name);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> RenewAsync(string credential) =>
        await Client.PostAsync(WorkloadApiPaths.Renew, credential, new { });

    /// <summary>Renews <paramref name="credential"/>, failing the test unless that succeeds; returns the successor.</summary>
    private async Task<string> RenewedAsync(string credential)
    {
        var (status, body) = await RenewAsync(credential);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("credential").GetString()!;
    }

    [Fact]
    public async Task Concurrent_renewals_of_one_credential_let_exactly_one_through_and_lock_the_bots_credentials()
    {
        var credential = await BotAsync("twins");

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => RenewAsync(credential)));

        var winner = Assert.Single(answers, a => a.Status == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.Unauthorized, a.Status));
        var reuse = Assert.Single(await Admin.AuditAsync("bot.credential.reuse"));
        Assert.Equal("twins", reuse.GetProperty("bot").GetString());
        Assert.Equal(0, reuse.GetProperty("generation").GetInt64());

        // Two holders of one credential: the one that won is revoked too, and renewing is refused.
        var successor = winner.Body.GetProperty("credential").GetString()!;
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client.IssueAsync(successor, Request)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RenewAsync(successor)).Status);
    }

    [Fact]
    public async Task A_superseded_credential_presented_for_issuance_revokes_the_bots_credentials_and_is_audited_without_the_credential()
    {
        var second = await RenewedAsync(await BotAsync("stolen"));
        var third = await RenewedAsync(second);
        Assert.Equal(HttpStatusCode.OK, (await Client.IssueAsync(third, Request)).Status);

        // The thief copied the second generation before the bot renewed it.
        var (status, body) = await Client.IssueAsync(second, Request);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("superseded", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client.IssueAsync(third, Request)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RenewAsync(third)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client.GetAsync(WorkloadApiPaths.Policy, third)).Status);

        var reuse = Assert.Single(await Admin.AuditAsync("bot.credential.reuse"));
        Assert.Equal("stolen", reuse.GetProperty("bot").GetString());
        Assert.Equal(1, reuse.GetProperty("generation").GetInt64());
        Assert.Equal(2, reuse.GetProperty("current_generation").GetInt64());
        var text = reuse.GetRawText();
        Assert.DoesNotContain(second, text, StringComparison.Ordinal);
        Assert.DoesNotContain(third, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_superseded_credential_presented_for_renewal_is_refused_and_the_bot_joins_again_with_a_new_token()
    {
        var first = await BotAsync("replayed");
        var second = await RenewedAsync(first);

        var (status, body) = await RenewAsync(first);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client.IssueAsync(second, Request)).Status);
        Assert.Equal(0, Assert.Single(await Admin.AuditAsync("bot.credential.reuse")).GetProperty("generation").GetInt64());

        // An admin's new join token (an agent's, as the first was) starts a new lineage.
        using var added = await Admin.SendAsync(HttpMethod.Post, "bots/replayed/tokens", JsonContent.Create(new { agent = true }));
        Assert.True(added.IsSuccessStatusCode, await added.Content.ReadAsStringAsync());
        var token = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        (status, body) = await Client.JoinAsync(token);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.OK, (await Client.IssueAsync(body.GetProperty("credential").GetString()!, Request)).Status);
    }

    [Fact]
    public async Task A_renewal_in_turn_is_no_reuse()
    {
        var credential = await BotAsync("steady");
        for (var i = 0; i < 3; i++)
        {
            credential = await RenewedAsync(credential);
            Assert.Equal(HttpStatusCode.OK, (await Client.IssueAsync(credential, Request)).Status);
        }

        Assert.Empty(await Admin.AuditAsync("bot.credential.reuse"));
    }
}
