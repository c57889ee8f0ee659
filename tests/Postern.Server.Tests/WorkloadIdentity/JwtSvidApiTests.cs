using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using Postern.Server.Tests.Infrastructure;
using Postern.Testing;
using Postern.WorkloadIdentity;
using Postern.WorkloadIdentity.Api;

namespace Postern.Server.Tests.WorkloadIdentity;

/// <summary>JWT-SVIDs over the HTTP API of a real server: issuance, policy, bots, bad input and the audit trail.</summary>
public sealed class JwtSvidApiTests : RunningServerTests
{
    private WorkloadClient Client => new(Server);

    private AdminApi Admin => new(Server);

    private string Issuer => Server.Host.PublicAddr.Text + "/workload-identity";

    private async Task<string> BotAsync(string name)
    {
        await Admin.CreateAsync(WorkloadClient.Policy);
        return await Client.JoinNewBotAsync(name);
    }

    [Fact]
    public async Task An_svid_is_verified_by_jose_through_the_discovery_documents_jwks_uri()
    {
        var credential = await BotAsync("interop");
        var svid = await Client.IssueOneAsync(credential, new JwtSvidRequest(["api://AzureADTokenExchange"], Workload: WorkloadClient.Unix(1000)));

        Assert.Equal("spiffe://test.example.com/uid/1000", svid.GetProperty("spiffe_id").GetString());
        var (exit, answer) = await NodeScript.RunAsync("discover.mjs", Server.CertificatePath, Issuer, "--aud", "api://AzureADTokenExchange", svid.GetProperty("jwt_svid").GetString()!);
        Assert.True(exit == 0, answer.ToString());
        Assert.Equal("spiffe://test.example.com/uid/1000", answer.GetProperty("payload").GetProperty("sub").GetString());

        (exit, answer) = await NodeScript.RunAsync("discover.mjs", Server.CertificatePath, Issuer, "--aud", "sts.amazonaws.com", svid.GetProperty("jwt_svid").GetString()!);
        Assert.Equal(1, exit);
        Assert.Equal("ERR_JWT_CLAIM_VALIDATION_FAILED", answer.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Different_uids_get_different_ids_and_an_unadmitted_uid_is_refused_with_an_audited_reason()
    {
        var credential = await BotAsync("uids");
        var first = await Client.IssueOneAsync(credential, new JwtSvidRequest(["a"], Workload: WorkloadClient.Unix(1000)));
        var second = await Client.IssueOneAsync(credential, new JwtSvidRequest(["a"], Workload: WorkloadClient.Unix(1001)));
        Assert.Equal("spiffe://test.example.com/uid/1000", first.GetProperty("spiffe_id").GetString());
        Assert.Equal("spiffe://test.example.com/uid/1001", second.GetProperty("spiffe_id").GetString());

        var (status, body) = await Client.IssueAsync(credential, new JwtSvidRequest(["a"], Workload: WorkloadClient.Unix(2000)));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        var reason = body.GetProperty("details")[0].GetString();
        Assert.Contains("workload.unix.uid in ['1000', '1001'] (is '2000')", reason, StringComparison.Ordinal);

        var denied = Assert.Single(await Admin.AuditAsync("jwt_svid.denied"), e => e.GetProperty("bot").GetString() == "uids");
        Assert.Equal(2000, denied.GetProperty("attributes").GetProperty("workload.unix.uid").GetInt64());
        Assert.Contains(reason, denied.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Every_issuance_is_in_the_audit_log_with_its_jti_when_the_token_is_returned()
    {
        var credential = await BotAsync("audited");
        var issued = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ =>
            Client.IssueOneAsync(credential, new JwtSvidRequest(["x", "y"], "2m", Workload: WorkloadClient.Unix(1000, "/opt/app")))));

        var events = (await Admin.AuditAsync("jwt_svid.issued")).Where(e => e.GetProperty("bot").GetString() == "audited").ToList();
        foreach (var svid in issued)
        {
            var jti = svid.GetProperty("jti").GetString();
            var e = Assert.Single(events, e => e.GetProperty("jti").GetString() == jti);
            Assert.Equal("spiffe://test.example.com/uid/1000", e.GetProperty("spiffe_id").GetString());
            Assert.Equal(["x", "y"], e.GetProperty("audiences").EnumerateArray().Select(a => a.GetString()));
            Assert.Equal("2m", e.GetProperty("ttl").GetString());
            Assert.Equal("bot/audited", e.GetProperty("caller").GetString());
            Assert.Equal("127.0.0.1", e.GetProperty("client_addr").GetString());
            Assert.Equal("/opt/app", e.GetProperty("attributes").GetProperty("workload.unix.exe").GetString());
            Assert.Equal(jti, Claims(svid.GetProperty("jwt_svid").GetString()!).GetProperty("jti").GetString());
        }

        Assert.Equal(40, issued.Select(s => s.GetProperty("jti").GetString()).Distinct().Count());
    }

    // The JWT-SVID validation rules and what AWS, GCP and Azure check of a token from an external OIDC issuer,
    // one rule per test.
    [Fact]
    public async Task Checklist_issuer_is_https_and_equals_the_discovery_issuer()
    {
        var claims = Claims(await IssueForChecklistAsync("check-iss"));
        var discovery = await DiscoveryAsync();
        Assert.StartsWith("https://", claims.GetProperty("iss").GetString(), StringComparison.Ordinal);
        Assert.Equal(discovery.GetProperty("issuer").GetString(), claims.GetProperty("iss").GetString());
        Assert.Equal(Issuer, claims.GetProperty("iss").GetString());
    }

    [Fact]
    public async Task Checklist_kid_is_present_and_in_the_key_set()
    {
        var header = Header(await IssueForChecklistAsync("check-kid"));
        var keys = await KeySetAsync();
        var kid = header.GetProperty("kid").GetString();
        Assert.False(string.IsNullOrEmpty(kid));
        Assert.Contains(kid, keys.Select(k => k.GetProperty("kid").GetString()));
    }

    [Fact]
    public async Task Checklist_the_signing_key_is_RSA_of_at_least_2048_bits_used_for_sig()
    {
        var header = Header(await IssueForChecklistAsync("check-rsa"));
        var key = (await KeySetAsync()).Single(k => k.GetProperty("kid").GetString() == header.GetProperty("kid").GetString());
        Assert.Equal("RSA", key.GetProperty("kty").GetString());
        Assert.Equal("sig", key.GetProperty("use").GetString());
        Assert.True(Base64UrlEncoder.DecodeBytes(key.GetProperty("n").GetString()).Length * 8 >= 2048);
    }

    [Fact]
    public async Task Checklist_alg_is_RS256_and_the_header_holds_only_alg_kid_and_typ()
    {
        var header = Header(await IssueForChecklistAsync("check-alg"));
        Assert.Equal("RS256", header.GetProperty("alg").GetString());
        Assert.Equal("JWT", header.GetProperty("typ").GetString());
        Assert.Equal(["alg", "kid", "typ"], header.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Contains("RS256", (await DiscoveryAsync()).GetProperty("id_token_signing_alg_values_supported").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public async Task Checklist_aud_is_present_as_the_requested_audiences()
    {
        var claims = Claims(await IssueForChecklistAsync("check-aud"));
        Assert.Equal(JsonValueKind.Array, claims.GetProperty("aud").ValueKind);
        Assert.Equal(["sts.amazonaws.com"], claims.GetProperty("aud").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public async Task Checklist_exp_iat_are_integers_five_minutes_apart_by_default_and_a_ttl_is_kept_within_the_cap()
    {
        var credential = await BotAsync("check-exp");
        var claims = Claims((await Client.IssueOneAsync(credential, new JwtSvidRequest(["a"], Workload: WorkloadClient.Unix(1000)))).GetProperty("jwt_svid").GetString()!);
        Assert.Equal(JsonValueKind.Number, claims.GetProperty("exp").ValueKind);
        Assert.True(claims.GetProperty("iat").TryGetInt64(out var iat));
        Assert.True(claims.GetProperty("exp").TryGetInt64(out var exp));
        Assert.Equal(300, exp - iat);
        Assert.InRange(iat, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 30, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);

        claims = Claims((await Client.IssueOneAsync(credential, new JwtSvidRequest(["a"], "1h", Workload: WorkloadClient.Unix(1000)))).GetProperty("jwt_svid").GetString()!);
        Assert.Equal(3600, claims.GetProperty("exp").GetInt64() - claims.GetProperty("iat").GetInt64());

        var (status, body) = await Client.IssueAsync(credential, new JwtSvidRequest(["a"], "61m", Workload: WorkloadClient.Unix(1000)));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("ttl: '1h1m' is over the maximum of 1h (workload_identity.max_ttl)", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Checklist_sub_is_a_well_formed_spiffe_id_in_the_trust_domain_and_jti_is_the_issuance_time_then_80_random_bits()
    {
        var claims = Claims(await IssueForChecklistAsync("check-sub"));
        var sub = claims.GetProperty("sub").GetString()!;
        Assert.Null(SpiffeId.Check(sub, out var trustDomain, out _));
        Assert.Equal("test.example.com", trustDomain);
        var jti = claims.GetProperty("jti").GetString()!;
        Assert.Matches("^[0-9a-f]{32}$", jti);
        Assert.Equal(claims.GetProperty("iat").GetInt64(), Convert.ToInt64(jti[..12], 16) / 1000); // milliseconds of the issuance, in its second
        Assert.Equal(["aud", "exp", "iat", "iss", "jti", "sub"], claims.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Bad_input_gets_a_clear_error_and_nothing_is_issued()
    {
        var credential = await BotAsync("bad-input");
        var cases = new (string Body, string Expected)[]
        {
            ("{}", "audiences: required, a list of strings"),
            ("""{"audiences":[]}""", "audiences: at least one audience is required"),
            ("""{"audiences":[""]}""", "audiences[0]: an audience must not be empty"),
            ("""{"audiences":["a"," "]}""", "audiences[1]: an audience must not be empty"),
            ("""{"audiences":"a"}""", "audiences: required, a list of strings"),
            ("""{"audiences":[1]}""", "audiences: every audience must be a string"),
            ("""{"audiences":["a"],"ttl":"2h"}""", "ttl: '2h' is over the maximum of 1h (workload_identity.max_ttl)"),
            ("""{"audiences":["a"],"ttl":"soon"}""", "ttl:"),
            ("""{"audiences":["a"],"ttl":"0s"}""", "ttl: '0s' is too short"),
            ("""{"audiences":["a"],"spiffe_id":"spiffe://test.example.com/a/../b"}""", "spiffe_id: the path '/a/../b' has a '..' segment"),
            ("""{"audiences":["a"],"audience":["b"]}""", "unknown field 'audience'"),
            ("""{"audiences":["a"],"workload":{"unix":{"uid":-1,"gid":0}}}""", "workload.unix: uid and gid are required non-negative integers"),
            ("""{"audiences":["a"] """, "the request body is not a JSON object"),
            ("[]", "the request body is not a JSON object"),
        };
        foreach (var (body, expected) in cases)
        {
            var (status, answer) = await Client.PostRawAsync("/v1/workload-identity/jwt-svids", credential, body);
            Assert.True(status == HttpStatusCode.BadRequest, $"{body} -> {status} {answer}");
            Assert.Contains(expected, answer.GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        // Over 64 KiB, with a length or sent in chunks without one: refused as too large, not read to the end.
        var large = $$"""{"audiences":["{{new string('a', 70 * 1024)}}"]}""";
        foreach (var chunked in new[] { false, true })
        {
            var (status, answer) = await Client.PostRawAsync("/v1/workload-identity/jwt-svids", credential, large, chunked);
            Assert.True(status == HttpStatusCode.RequestEntityTooLarge, $"chunked: {chunked} -> {status} {answer}");
            Assert.Equal("the request body is over 64 KiB", answer.GetProperty("error").GetString());
        }

        Assert.DoesNotContain(await Admin.AuditAsync("jwt_svid.issued"), e => e.GetProperty("bot").GetString() == "bad-input");
    }

    [Fact]
    public async Task A_join_token_works_once_and_a_reused_expired_or_unknown_token_is_refused_and_audited()
    {
        await Admin.CreateAsync(WorkloadClient.Policy);
        var token = await Client.AddBotAsync("joiner");
        var (status, body) = await Client.JoinAsync(token);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("joiner", body.GetProperty("bot").GetString());
        Assert.Equal("test.example.com", body.GetProperty("trust_domain").GetString());

        (status, body) = await Client.JoinAsync(token);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("already used", body.GetProperty("error").GetString(), StringComparison.Ordinal);

        (status, body) = await Client.JoinAsync(Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32)));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("the join token is unknown or expired", body.GetProperty("error").GetString());

        (status, body) = await Client.JoinAsync("not a token");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("the join token is malformed", body.GetProperty("error").GetString());

        var joins = (await Admin.AuditAsync("bot.join")).ToList();
        Assert.Single(joins, e => e.GetProperty("bot").GetString() == "joiner" && e.GetProperty("success").GetBoolean());
        Assert.Contains(joins, e => e.GetProperty("bot").GetString() == "joiner" && !e.GetProperty("success").GetBoolean() && e.GetProperty("reason").GetString()!.Contains("already used", StringComparison.Ordinal));
        var strangers = await Admin.AuditAsync("bot.join.refused");
        Assert.Equal(1, Assert.Single(strangers, e => e.GetProperty("reason").GetString() == "the join token is unknown or expired").GetProperty("count").GetInt64());
        Assert.Equal(1, Assert.Single(strangers, e => e.GetProperty("reason").GetString() == "the join token is malformed").GetProperty("count").GetInt64());
        Assert.All(strangers, e => Assert.Equal("system", e.GetProperty("actor").GetProperty("kind").GetString()));
        Assert.All(strangers, e => Assert.Equal(e.GetProperty("remote_addr").GetString(), e.GetProperty("client_addr").GetString()));
    }

    [Fact]
    public async Task Another_join_token_for_an_existing_bot_lets_a_second_agent_join_without_ending_the_first()
    {
        var first = await BotAsync("twice");
        using (var response = await Admin.SendAsync(HttpMethod.Post, "bots/twice/tokens", JsonContent.Create(new { labels = new Dictionary<string, string> { ["site"] = "b" }, ttl = "5m", agent = true })))
        {
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
            var (status, joined) = await Client.JoinAsync(body.GetProperty("token").GetString()!);
            Assert.True(status == HttpStatusCode.OK, joined.ToString());
            var second = joined.GetProperty("credential").GetString()!;

            await Client.IssueOneAsync(first, new JwtSvidRequest(["a"], Workload: WorkloadClient.Unix(1000)));
            await Client.IssueOneAsync(second, new JwtSvidRequest(["b"], Workload: WorkloadClient.Unix(1000)));
        }

        var issued = (await Admin.AuditAsync("jwt_svid.issued")).Where(e => e.GetProperty("bot").GetString() == "twice").ToList();
        Assert.Equal(["a", "b"], issued.Select(e => e.GetProperty("audiences")[0].GetString()));
        Assert.False(issued[0].GetProperty("attributes").TryGetProperty("join.labels.site", out _));
        Assert.Equal("b", issued[1].GetProperty("attributes").GetProperty("join.labels.site").GetString());
        var made = Assert.Single(await Admin.AuditAsync("bot.join_token.create"), e => e.GetProperty("bot").GetString() == "twice" && e.GetProperty("labels").TryGetProperty("site", out _));
        Assert.Equal("b", made.GetProperty("labels").GetProperty("site").GetString());

        foreach (var (path, request, expected, message) in new (string, object, HttpStatusCode, string)[]
        {
            ("bots/nobody/tokens", new { }, HttpStatusCode.NotFound, "bot 'nobody' does not exist"),
            ("bots/twice/tokens", new { ttl = "30d" }, HttpStatusCode.BadRequest, "ttl: '30d' is out of range (1m to 7d)"),
            ("bots/twice/tokens", new { labels = new Dictionary<string, string> { ["bad key!"] = "x" } }, HttpStatusCode.BadRequest, "labels: 'bad key!' is not a valid label"),
        })
        {
            using var refused = await Admin.SendAsync(HttpMethod.Post, path, JsonContent.Create(request));
            var text = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == expected, text);
            Assert.Contains(message, text, StringComparison.Ordinal);
        }

        Assert.Single(await Admin.AuditAsync("bot.join_token.create"), e => e.GetProperty("bot").GetString() == "twice" && e.GetProperty("labels").TryGetProperty("site", out _));
    }

    [Fact]
    public async Task A_bot_removed_and_added_again_under_its_name_gets_none_of_the_old_credentials_or_tokens()
    {
        var old = await BotAsync("reborn");
        string unused;
        using (var response = await Admin.SendAsync(HttpMethod.Post, "bots/reborn/tokens", JsonContent.Create(new { })))
        {
            unused = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
        }

        using (var removed = await Admin.SendAsync(HttpMethod.Delete, "resources/bot/reborn"))
        {
            Assert.True(removed.IsSuccessStatusCode, await removed.Content.ReadAsStringAsync());
        }

        var renewed = await Client.JoinNewBotAsync("reborn");
        await Client.IssueOneAsync(renewed, new JwtSvidRequest(["a"], Workload: WorkloadClient.Unix(1000)));

        var (status, body) = await Client.IssueAsync(old, new JwtSvidRequest(["a"], Workload: WorkloadClient.Unix(1000)));
        Assert.True(status == HttpStatusCode.Unauthorized, body.ToString());
        (status, body) = await Client.JoinAsync(unused);
        Assert.True(status == HttpStatusCode.Unauthorized, body.ToString());
        Assert.Equal("the join token is unknown or expired", body.GetProperty("error").GetString());

        var deleted = Assert.Single(await Admin.AuditAsync("resource.delete"), e => e.GetProperty("name").GetString() == "reborn");
        Assert.Equal(1, deleted.GetProperty("credentials_revoked").GetInt32());
        Assert.Equal(2, deleted.GetProperty("join_tokens_revoked").GetInt32());
    }

    [Fact]
    public async Task Renewal_replaces_the_credential_and_the_old_one_stops_working()
    {
        var credential = await BotAsync("renewer");
        var (status, body) = await Client.PostAsync("/v1/bots/renew", credential, new { });
        Assert.Equal(HttpStatusCode.OK, status);
        var renewed = body.GetProperty("credential").GetString()!;
        Assert.NotEqual(credential, renewed);

        Assert.Equal(HttpStatusCode.OK, (await Client.IssueAsync(renewed, new JwtSvidRequest(["a"], Workload: WorkloadClient.Unix(1000)))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client.IssueAsync(credential, new JwtSvidRequest(["a"], Workload: WorkloadClient.Unix(1000)))).Status);
    }

    [Fact]
    public async Task A_locked_bot_is_refused_at_once_and_again_after_unlock_it_works()
    {
        var credential = await BotAsync("lockme");
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/v1/workload-identity/policy", credential)).Status);

        using (var locked = await Admin.SendAsync(HttpMethod.Post, "locks", JsonContent.Create(new { target = "bot/lockme", message = "incident 42" })))
        {
            Assert.Equal(HttpStatusCode.Created, locked.StatusCode);
        }

        var (status, body) = await Client.IssueAsync(credential, new JwtSvidRequest(["a"], Workload: WorkloadClient.Unix(1000)));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("bot 'lockme' is locked: incident 42", body.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await Client.GetAsync("/v1/workload-identity/policy", credential)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Client.PostAsync("/v1/bots/renew", credential, new { })).Status);

        using (await Admin.SendAsync(HttpMethod.Delete, "locks/bot/lockme"))
        {
        }

        Assert.Equal(HttpStatusCode.OK, (await Client.IssueAsync(credential, new JwtSvidRequest(["a"], Workload: WorkloadClient.Unix(1000)))).Status);
    }

    [Fact]
    public async Task A_change_to_a_bots_role_applies_to_its_next_request()
    {
        // The server keeps each bot's access checker until the cluster state moves: a changed role must not be missed.
        var credential = await BotAsync("regranted");
        var request = new JwtSvidRequest(["a"], Workload: WorkloadClient.Unix(1000));
        await Client.IssueOneAsync(credential, request);
        try
        {
            await Admin.CreateAsync(WorkloadClient.Policy.Replace("workload_identity_labels: { \"*\": \"*\" }", "workload_identity_labels: { env: prod }", StringComparison.Ordinal));
            var (status, body) = await Client.IssueAsync(credential, request);
            Assert.Equal(HttpStatusCode.Forbidden, status);
            Assert.Contains("workload identity 'by-uid'", body.GetProperty("details")[0].GetString(), StringComparison.Ordinal);
        }
        finally
        {
            await Admin.CreateAsync(WorkloadClient.Policy);
        }

        await Client.IssueOneAsync(credential, request);
    }

    [Fact]
    public async Task A_signed_in_user_gets_an_svid_from_their_traits_and_may_not_claim_workload_attributes()
    {
        await Admin.CreateAsync("""
            kind: role
            version: v1
            metadata: { name: team-svid }
            spec:
              allow:
                workload_identity_labels: { kind: user }
            ---
            kind: workload_identity
            version: v1
            metadata: { name: by-team, labels: { kind: user } }
            spec:
              spiffe: { id: "/ns/{{user.traits.team}}/{{user.name}}" }
              callers: [users]
            """);
        await Admin.AddUserAsync("carol", "a long enough password 1", ["team-svid"], new Dictionary<string, string[]> { ["team"] = ["payments"] });
        using var http = TestPostern.CreateClient(Server.CertificatePath);
        using (var login = await http.PostAsJsonAsync(Server.BaseUrl + "/v1/login", new { username = "carol", password = "a long enough password 1" }))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        using var response = await http.PostAsJsonAsync(Server.BaseUrl + "/v1/workload-identity/jwt-svids", new JwtSvidRequest(["a"]));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.Equal("spiffe://test.example.com/ns/payments/carol", Assert.Single(body.GetProperty("svids").EnumerateArray().ToList()).GetProperty("spiffe_id").GetString());

        using var claiming = await http.PostAsJsonAsync(Server.BaseUrl + "/v1/workload-identity/jwt-svids", new JwtSvidRequest(["a"], Workload: WorkloadClient.Unix(0)));
        Assert.Equal(HttpStatusCode.Forbidden, claiming.StatusCode);
        Assert.Contains("user/carol is a signed-in user", await claiming.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var anonymous = TestPostern.CreateClient(Server.CertificatePath);
        using var refused = await anonymous.PostAsJsonAsync(Server.BaseUrl + "/v1/workload-identity/jwt-svids", new JwtSvidRequest(["a"]));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task A_template_that_renders_an_invalid_id_fails_that_issuance_with_the_reason()
    {
        await Admin.CreateAsync("""
            kind: role
            version: v1
            metadata: { name: labelled }
            spec:
              allow:
                workload_identity_labels: { kind: by-label }
            ---
            kind: workload_identity
            version: v1
            metadata: { name: by-label, labels: { kind: by-label } }
            spec:
              spiffe: { id: "/env/{{join.labels.env}}" }
            """);
        var credential = await Client.JoinNewBotAsync("badlabel", "labelled", new Dictionary<string, string> { ["env"] = "a/../b" });
        var (status, body) = await Client.IssueAsync(credential, new JwtSvidRequest(["a"]));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("renders an invalid SPIFFE ID for bot/badlabel: the value of 'join.labels.env' ('a/../b') holds '..'", body.GetProperty("details")[0].GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(await Admin.AuditAsync("jwt_svid.issued"), e => e.GetProperty("bot").GetString() == "badlabel");
    }

    private async Task<string> IssueForChecklistAsync(string bot)
    {
        var credential = await BotAsync(bot);
        return (await Client.IssueOneAsync(credential, new JwtSvidRequest(["sts.amazonaws.com"], Workload: WorkloadClient.Unix(1000)))).GetProperty("jwt_svid").GetString()!;
    }

    private async Task<JsonElement> DiscoveryAsync() =>
        JsonDocument.Parse(await Server.Http.GetStringAsync(Server.BaseUrl + "/workload-identity/.well-known/openid-configuration")).RootElement.Clone();

    private async Task<List<JsonElement>> KeySetAsync()
    {
        var jwksUri = (await DiscoveryAsync()).GetProperty("jwks_uri").GetString()!;
        return [.. JsonDocument.Parse(await Server.Http.GetStringAsync(jwksUri)).RootElement.GetProperty("keys").EnumerateArray().Select(k => k.Clone())];
    }

    private static JsonElement Header(string token) => Part(token, 0);

    private static JsonElement Claims(string token) => Part(token, 1);

    private static JsonElement Part(string token, int index) =>
        JsonDocument.Parse(Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(token.Split('.')[index]))).RootElement.Clone();
}
