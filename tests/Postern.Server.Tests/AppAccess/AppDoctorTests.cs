using System.Net;
using System.Net.Http.Json;
using Postern.Admin.Api;
using Postern.Server.Tests.Infrastructure;
using Postern.Testing;

namespace Postern.Server.Tests.AppAccess;

/// <summary>
/// <c>POST /v1/admin/apps/{app}/doctor</c> (<c>postern doctor app</c>) against apps that verify the assertion with
/// <c>jose</c> (tests/interop/verifying-upstream.mjs): one that picks the key by <c>kid</c> refuses every forgery, one that
/// checks only the first key it fetched at start is reported once a key rotation makes the new key sign.
/// </summary>
public sealed class AppDoctorTests : IAsyncLifetime
{
    private static readonly string[] Forgeries =
        ["no_assertion", "tampered_signature", "alg_none", "expired", "other_audience", "wrong_issuer", "unknown_key", "second_header"];

    private readonly TempDir _dir = new();
    private readonly List<NodeService> _apps = [];
    private TestPostern _server = null!;
    private AdminApi _admin = null!;

    public async Task InitializeAsync()
    {
        _server = await TestPostern.StartAsync(_dir.Path);
        _admin = new AdminApi(_server);
    }

    public async Task DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }

        await _server.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task An_app_that_verifies_by_kid_refuses_every_forgery_and_the_report_is_ok_before_and_after_a_rotation()
    {
        await AddVerifyingAppAsync("checked", "by-kid");

        var report = await DoctorAsync("checked");

        Assert.True(report.Ok, string.Join("\n", report.Problems));
        Assert.Empty(report.Accepted);
        Assert.Equal(["genuine", .. Forgeries], report.Probes.Select(p => p.Name));
        Assert.Equal(200, report.Probes[0].Status);
        Assert.All(report.Probes.Skip(1), p => Assert.Equal((p.Name, 401, "refused"), (p.Name, p.Status, p.Verdict)));

        await RotateSoTheNewKeySignsAsync();
        var afterRotation = await DoctorAsync("checked");
        Assert.True(afterRotation.Ok, string.Join("\n", afterRotation.Problems));
    }

    [Fact]
    public async Task Every_probe_reaches_the_app_as_a_proxied_request_does_with_its_Host_rewrite_X_Forwarded_For_and_templated_headers()
    {
        await using var upstream = await AddRecordingAppAsync("recorded", """rewrite: {headers: ["Host: internal.example", "Authorization: Bearer {{internal.jwt}}"]}""");

        var report = await DoctorAsync("recorded", "/private?page=2");

        var requests = upstream.Requests.ToList();
        Assert.Equal(report.Probes.Select(p => p.Name), requests.Select(r => r.Header("X-Postern-Probe")));
        Assert.All(requests, r =>
        {
            Assert.Equal("/private?page=2", r.PathAndQuery);
            Assert.Equal("internal.example", r.Header("Host"));
            Assert.Equal("127.0.0.1", r.Header("X-Forwarded-For"));
            Assert.StartsWith("recorded.localhost", r.Header("X-Forwarded-Host"), StringComparison.Ordinal);
        });
        var genuine = requests[0];
        Assert.Equal("Bearer " + genuine.Header("Teleport-Jwt-Assertion"), genuine.Header("Authorization"));
        Assert.Null(requests[1].Header("Teleport-Jwt-Assertion"));
        Assert.Contains(", ", requests[^1].Header("Teleport-Jwt-Assertion"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_probe_over_the_apps_max_header_bytes_is_not_sent_and_the_report_says_why()
    {
        await using var upstream = await AddRecordingAppAsync("narrow", "max_header_bytes: 1024");
        await _admin.AddUserAsync("wide", Password, ["access"], new() { ["groups"] = [.. Enumerable.Range(0, 100).Select(i => $"a-rather-long-group-name-{i}")] });

        using var response = await _admin.SendAsync(HttpMethod.Post, "apps/narrow/doctor", JsonContent.Create(new DoctorRequest(User: "wide"), AdminApiJsonContext.Default.DoctorRequest));
        var report = await AdminApi.ReadAsync(response, AdminApiJsonContext.Answers.DoctorReport);

        Assert.False(report.Ok);
        Assert.Equal((0, "baseline"), (report.Probes[0].Status, report.Probes[0].Verdict));
        Assert.Contains("Postern did not send it", report.Problems[0], StringComparison.Ordinal);
        Assert.Contains("max_header_bytes (1024)", report.Problems[0], StringComparison.Ordinal);
        Assert.Equal(["no_assertion"], upstream.Requests.Select(r => r.Header("X-Postern-Probe")));
    }

    [Fact]
    public async Task An_app_that_does_not_listen_gets_no_answer_for_every_probe_with_the_connection_error()
    {
        await _admin.CreateAsync("kind: app\nversion: v1\nmetadata: {name: gone}\nspec: {uri: \"http://127.0.0.1:9\", public_addr: gone.localhost, doctor: {allow: true}}\n");

        var report = await DoctorAsync("gone");

        Assert.False(report.Ok);
        Assert.All(report.Probes, p => Assert.Equal(0, p.Status));
        Assert.All(report.Probes.Skip(1), p => Assert.Equal("no_answer", p.Verdict));
        Assert.StartsWith("genuine: the app did not answer (", report.Problems[0], StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:9", report.Problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_app_that_reads_only_the_first_key_it_fetched_is_reported_during_a_rotation()
    {
        await AddVerifyingAppAsync("first-key", "first-key");
        var before = await DoctorAsync("first-key");
        Assert.True(before.Ok, string.Join("\n", before.Problems));

        await RotateSoTheNewKeySignsAsync();
        var during = await DoctorAsync("first-key");

        Assert.False(during.Ok);
        Assert.Equal(401, during.Probes[0].Status);
        var problem = Assert.Single(during.Problems);
        Assert.Contains("refused the genuine assertion (401)", problem, StringComparison.Ordinal);
        Assert.Contains("a rotation is under way", problem, StringComparison.Ordinal);
        Assert.Contains("keys[0]", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_app_without_doctor_allow_is_refused_to_local_admin_and_the_refusal_is_audited()
    {
        await AddVerifyingAppAsync("closed", "by-kid", allow: false);

        using var response = await _admin.SendAsync(HttpMethod.Post, "apps/closed/doctor", JsonContent.Create(new DoctorRequest(), AdminApiJsonContext.Default.DoctorRequest));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("doctor: {allow: true}", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains(await _admin.AuditAsync("admin.access.denied"), e => e.GetProperty("path").GetString() == "/v1/admin/apps/closed/doctor");
        Assert.Empty(await _admin.AuditAsync("app.doctor.run"));
    }

    [Fact]
    public async Task A_role_rule_allowing_create_on_doctor_lets_its_holder_probe_an_app_without_doctor_allow_and_an_editor_is_refused()
    {
        await AddVerifyingAppAsync("unlisted", "by-kid", allow: false);
        await _admin.CreateAsync("""
            kind: role
            version: v1
            metadata: {name: prober}
            spec: {allow: {rules: [{resources: [doctor], verbs: [create]}, {resources: [app], verbs: [read]}]}}
            """);
        await _admin.AddUserAsync("pat", Password, ["prober"]);
        await _admin.AddUserAsync("ed", Password, ["editor"]);

        using var allowed = await DoctorAsAsync("pat", "unlisted");
        using var refused = await DoctorAsAsync("ed", "unlisted");

        var report = await AdminApi.ReadAsync(allowed, AdminApiJsonContext.Answers.DoctorReport);
        Assert.True(report.Ok, string.Join("\n", report.Problems));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("role rule allowing `create` on `doctor`", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private const string Password = "a long enough password";

    /// <summary>Signs <paramref name="user"/> in as <c>postern login</c> does and asks for a doctor run of <paramref name="app"/>.</summary>
    private async Task<HttpResponseMessage> DoctorAsAsync(string user, string app)
    {
        using var login = await _server.Http.PostAsJsonAsync(_server.BaseUrl + "/v1/client/login", new { username = user, password = Password });
        var body = await login.Content.ReadAsStringAsync();
        Assert.True(login.IsSuccessStatusCode, body);
        using var request = new HttpRequestMessage(HttpMethod.Post, _server.BaseUrl + $"/v1/admin/apps/{app}/doctor")
        {
            Content = JsonContent.Create(new DoctorRequest(), AdminApiJsonContext.Default.DoctorRequest),
        };
        request.Headers.Authorization = new("Bearer", System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("token").GetString());
        return await _server.Http.SendAsync(request);
    }

    private async Task AddVerifyingAppAsync(string name, string mode, bool allow = true)
    {
        var app = await NodeService.StartAsync("verifying-upstream.mjs", new { jwks = _server.BaseUrl + "/.well-known/jwks.json", issuer = "test.example.com", mode }, _server.CertificatePath);
        _apps.Add(app);
        await _admin.CreateAsync($"kind: app\nversion: v1\nmetadata: {{name: {name}}}\nspec: {{uri: \"{app.Ready.GetProperty("address").GetString()}\", public_addr: {name}.localhost, doctor: {{allow: {(allow ? "true" : "false")}}}}}\n");
    }

    /// <summary>Adds app <paramref name="name"/>, open to the doctor, in front of an <see cref="Upstream"/> that records what it receives.</summary>
    private async Task<Upstream> AddRecordingAppAsync(string name, string spec)
    {
        var upstream = await Upstream.StartAsync();
        await _admin.CreateAsync($"kind: app\nversion: v1\nmetadata: {{name: {name}}}\nspec:\n  uri: \"{upstream.Address}\"\n  public_addr: {name}.localhost\n  doctor: {{allow: true}}\n  {spec}\n");
        return upstream;
    }

    private async Task<DoctorReport> DoctorAsync(string app, string? path = null)
    {
        using var response = await _admin.SendAsync(HttpMethod.Post, $"apps/{app}/doctor", JsonContent.Create(new DoctorRequest(Path: path), AdminApiJsonContext.Default.DoctorRequest));
        return await AdminApi.ReadAsync(response, AdminApiJsonContext.Answers.DoctorReport);
    }

    /// <summary>Two manual steps of a rotation of the jwt authority: the new key is published, then signs.</summary>
    private async Task RotateSoTheNewKeySignsAsync()
    {
        foreach (var phase in (string[])["init", "update_clients"])
        {
            using var response = await _admin.SendAsync(HttpMethod.Post, "authorities/jwt/rotate",
                JsonContent.Create(new RotateAuthorityRequest(Manual: true, Phase: phase), AdminApiJsonContext.Default.RotateAuthorityRequest));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }
    }
}
