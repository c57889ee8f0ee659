using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Postern.Testing;

/// <summary>The admin API as the admin commands use it, with the credential from <c>data_dir/admin.json</c>.</summary>
public sealed class AdminApi(string credentialPath, string? certificatePath)
{
    public AdminApi(TestPostern server)
        : this(server.Host.AdminCredentialPath, server.Host.GeneratedCertificatePath)
    {
    }

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
        using var client = Client();
        using var response = await client.PostAsJsonAsync("users", new { name, password, roles, traits = traits ?? [] });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task UpdateUserAsync(string name, string[]? roles = null, Dictionary<string, string[]>? traits = null)
    {
        using var client = Client();
        using var response = await client.PutAsJsonAsync("users/" + name, new { roles, traits });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null)
    {
        using var client = Client();
        return await client.SendAsync(new HttpRequestMessage(method, path) { Content = content });
    }

    public async Task CreateAsync(string yaml)
    {
        using var response = await SendAsync(HttpMethod.Post, "resources", new StringContent(yaml, Encoding.UTF8, "application/yaml"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<List<JsonElement>> AuditAsync(string type)
    {
        using var response = await SendAsync(HttpMethod.Get, $"audit?type={type}&limit=1000000");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadAsStringAsync();
        return [.. body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone())];
    }
}
