using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Postern.WorkloadIdentity.Api;
using Postern.Testing;

namespace Postern.Server.Tests.WorkloadIdentity;

/// <summary>The workload identity API as a bot or an agent calls it, over HTTPS to a real server.</summary>
internal sealed class WorkloadClient(TestPostern server)
{
    /// <summary>The policy of these tests: SPIFFE IDs by uid, for uids 1000 and 1001.</summary>
    public static readonly string Policy = WorkloadPolicy.ByUid("1000", "1001");

    /// <summary>What an agent sends of a workload running as <paramref name="uid"/> (and as many a gid).</summary>
    public static WorkloadAttestation Unix(long uid, string? exe = "/usr/bin/app") => new(new UnixAttestation(uid, uid, 4242, exe));

    /// <summary>
    /// Adds a bot with <paramref name="roles"/> and returns its join token: an agent's (its credential may present
    /// attested workload attributes), or a script's when <paramref name="agent"/> is false.
    /// </summary>
    public async Task<string> AddBotAsync(string name, string roles = "workload", Dictionary<string, string>? labels = null, bool agent = true)
    {
        using var response = await new AdminApi(server).SendAsync(HttpMethod.Post, "bots", JsonContent.Create(new { name, roles = roles.Split(','), labels, agent }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("token").GetString()!;
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> JoinAsync(string token) =>
        await SendAsync(WorkloadApiPaths.Join, null, JsonContent.Create(new JoinRequest(token), WorkloadApiJsonContext.Default.JoinRequest));

    /// <summary>Adds a bot (an agent unless <paramref name="agent"/> is false) and joins with its token; returns the credential.</summary>
    public async Task<string> JoinNewBotAsync(string name, string roles = "workload", Dictionary<string, string>? labels = null, bool agent = true)
    {
        var (status, body) = await JoinAsync(await AddBotAsync(name, roles, labels, agent));
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("credential").GetString()!;
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> IssueAsync(string credential, JwtSvidRequest request) =>
        await SendAsync(WorkloadApiPaths.JwtSvids, credential, JsonContent.Create(request, WorkloadApiJsonContext.Default.JwtSvidRequest));

    public async Task<(HttpStatusCode Status, JsonElement Body)> IssueX509Async(string credential, X509SvidRequest request) =>
        await SendAsync(WorkloadApiPaths.X509Svids, credential, JsonContent.Create(request, WorkloadApiJsonContext.Default.X509SvidRequest));

    /// <summary>Issues and returns the one SVID, failing the test otherwise.</summary>
    public async Task<JsonElement> IssueOneAsync(string credential, JwtSvidRequest request)
    {
        var (status, body) = await IssueAsync(credential, request);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return Assert.Single(body.GetProperty("svids").EnumerateArray().ToList());
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, string? credential, object body) =>
        await SendAsync(path, credential, JsonContent.Create(body));

    /// <summary>Posts <paramref name="body"/> as it is; <paramref name="chunked"/> sends it without a Content-Length.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> PostRawAsync(string path, string? credential, string body, bool chunked = false) =>
        await SendAsync(path, credential, new StringContent(body, Encoding.UTF8, "application/json"), chunked);

    public async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path, string credential)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, server.BaseUrl + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        using var response = await server.Http.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private async Task<(HttpStatusCode, JsonElement)> SendAsync(string path, string? credential, HttpContent content, bool chunked = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, server.BaseUrl + path) { Content = content };
        request.Headers.TransferEncodingChunked = chunked;
        if (credential is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        }

        using var response = await server.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }
}
