using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Postern.Admin.Api;

namespace Postern.Testing;

/// <summary>
/// The admin API as the admin commands use it, with the credential from <c>data_dir/admin.json</c>, and its bodies
/// in the same records (<see cref="AdminApiJsonContext"/>); <see cref="SendAsync"/> sends any body, for tests of refusals.
/// </summary>
public sealed class AdminApi(string credentialPath, string? certificatePath)
{
    public AdminApi(TestPostern server)
        : this(server.Host.AdminCredentialPath, server.Host.GeneratedCertificatePath)
    {
    }

    private static AdminApiJsonContext Json => AdminApiJsonContext.Default;

    private HttpClient Client()
    {
        var credential = JsonDocument.Parse(File.ReadAllText(credentialPath)).RootElement;
        var client = TestPostern.CreateClient(certificatePath);
        client.BaseAddress = new Uri(credential.GetProperty("server").GetString()! + "/v1/admin/");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential.GetProperty("token").GetString());
        return client;
    }

    public async Task AddUserAsync(string name, string password, string[] roles, Dictionary<string, string[]>? traits = null)
    {
        using var response = await SendAsync(HttpMethod.Post, "users", new AddUserRequest(name, roles, Traits(traits ?? []), password), Json.AddUserRequest);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task UpdateUserAsync(string name, string[]? roles = null, Dictionary<string, string[]>? traits = null)
    {
        using var response = await SendAsync(HttpMethod.Put, "users/" + name, new UpdateUserRequest(roles, traits is null ? null : Traits(traits)), Json.UpdateUserRequest);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Adds a bot and returns its first join token.</summary>
    public async Task<JoinTokenIssued> AddBotAsync(string name, string[] roles, Dictionary<string, string>? labels = null, bool agent = false)
    {
        using var response = await SendAsync(HttpMethod.Post, "bots", new AddBotRequest(name, roles, labels, Agent: agent ? true : null), Json.AddBotRequest);
        return await ReadAsync(response, AdminApiJsonContext.Answers.JoinTokenIssued);
    }

    /// <summary>Every authority, as <c>postern ca ls</c> reads them.</summary>
    public async Task<IReadOnlyList<AuthoritySummary>> AuthoritiesAsync()
    {
        using var response = await SendAsync(HttpMethod.Get, "authorities");
        return await ReadAsync(response, AdminApiJsonContext.Answers.IReadOnlyListAuthoritySummary);
    }

    /// <summary>Sends <paramref name="request"/> in its record; the answer is the caller's to check and dispose.</summary>
    public Task<HttpResponseMessage> SendAsync<T>(HttpMethod method, string path, T request, JsonTypeInfo<T> contract) =>
        SendAsync(method, path, JsonContent.Create(request, contract));

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null)
    {
        using var client = Client();
        return await client.SendAsync(new HttpRequestMessage(method, path) { Content = content });
    }

    /// <summary>The body of a successful answer, read with <paramref name="contract"/>.</summary>
    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> contract)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonSerializer.Deserialize(body, contract)!;
    }

    public async Task CreateAsync(string yaml)
    {
        using var response = await SendAsync(HttpMethod.Post, "resources", new StringContent(yaml, Encoding.UTF8, "application/yaml"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Every event of <paramref name="type"/>, oldest first: page after page (the API answers at most 10,000 events a
    /// page, newest first within the limit; <c>before</c> is the id where the previous page began).
    /// </summary>
    public async Task<List<JsonElement>> AuditAsync(string type)
    {
        var events = new List<JsonElement>();
        string? before = null;
        while (true)
        {
            using var response = await SendAsync(HttpMethod.Get, $"audit?type={type}&limit=10000" + (before is null ? "" : $"&before={Uri.EscapeDataString(before)}"));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            var body = await response.Content.ReadAsStringAsync();
            List<JsonElement> page = [.. body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone())];
            events.InsertRange(0, page);
            if (page.Count < 10_000)
                return events;
            before = page[0].GetProperty("id").GetString();
        }
    }

    private static Dictionary<string, IReadOnlyList<string>> Traits(Dictionary<string, string[]> traits) =>
        traits.ToDictionary(t => t.Key, IReadOnlyList<string> (t) => t.Value, StringComparer.Ordinal);
}
