using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Postern.Admin.Api;
using Postern.Configuration;
using Postern.Server.Admin;

namespace Postern.Cli.Commands;

/// <summary>
/// How admin commands reach the server described by <c>--config</c>: its address and token come from
/// <c>data_dir/admin.json</c>, and only the server's own certificate (generated or configured) is trusted.
/// Bodies are the records of <see cref="Postern.Admin.Api"/>: sent with <see cref="Body"/>, read with <see cref="Read"/>.
/// </summary>
internal sealed class AdminClient : IDisposable
{
    private readonly HttpClient _http;

    private AdminClient(HttpClient http) => _http = http;

    /// <summary>Thrown for a problem the user can fix: the message says what and where.</summary>
    internal sealed class AdminException(string message, int exitCode) : Exception(message)
    {
        public int ExitCode { get; } = exitCode;
    }

    /// <summary>
    /// The client for an admin command. Which credential: an explicit <c>--config</c> selects that server's
    /// <c>data_dir/admin.json</c> (<c>local-admin</c>, the break-glass identity on the server host); otherwise the profile of
    /// <c>postern login</c> when there is one; otherwise <c>./postern.yaml</c>'s admin.json.
    /// </summary>
    public static AdminClient Open(string? configPath)
    {
        if (configPath is null && ClientProfile.Load() is { } profile)
        {
            return ForProfile(profile);
        }

        PosternConfig config;
        try
        {
            config = ConfigLoader.Load(configPath ?? CommonOptions.DefaultConfigPath, mayBeMissing: configPath is null);
        }
        catch (ConfigException e)
        {
            throw new AdminException(e.Message, ExitCodes.Usage);
        }

        var path = Path.Combine(config.DataDir, AdminCredential.FileName);
        if (!File.Exists(path))
        {
            throw new AdminException($"no admin credential at {path}: start the server with this configuration first (postern start --config ...)", ExitCodes.Failed);
        }

        if (!AdminCredential.TryRead(File.ReadAllText(path), out var credential))
        {
            throw new AdminException($"the admin credential at {path} is not readable; restart the server to rewrite it", ExitCodes.Failed);
        }

        var handler = new SocketsHttpHandler { UseProxy = false };
        var pinned = config.Tls.CertFile ?? Path.Combine(config.DataDir, "tls", "cert.pem");
        if (!config.Tls.Disabled && File.Exists(pinned))
        {
            var trusted = X509CertificateLoader.LoadCertificateFromFile(pinned);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(trusted.RawData);
        }

        var http = new HttpClient(handler) { BaseAddress = new Uri(credential.Server + "/"), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential.Token);
        return new AdminClient(http);
    }

    /// <summary>A client of the server of <paramref name="profile"/>, sending its client credential.</summary>
    public static AdminClient ForProfile(ClientProfile profile)
    {
        var client = ForServer(profile.Proxy, profile.CaPem);
        client._http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", profile.Token);
        return client;
    }

    /// <summary>A client of <paramref name="proxy"/> without a credential; it trusts only <paramref name="caPem"/> when one is given.</summary>
    public static AdminClient ForServer(string proxy, string? caPem)
    {
        var handler = new SocketsHttpHandler { UseProxy = false };
        if (caPem is not null)
        {
            var trusted = X509Certificate2.CreateFromPem(caPem);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(trusted.RawData);
        }

        return new AdminClient(new HttpClient(handler) { BaseAddress = new Uri(proxy.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(60) });
    }

    /// <summary>Sends a request and returns the body of a success; an error answer becomes an <see cref="AdminException"/> with the server's words.</summary>
    public Task<string> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken) =>
        SendRawAsync(method, "v1/admin/" + path, content, cancellationToken);

    /// <summary>As <see cref="SendAsync"/>, to a path from the server's root (<c>v1/client/login</c>).</summary>
    public async Task<string> SendRawAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new AdminException($"cannot reach the Postern server at {_http.BaseAddress}: {e.Message}", ExitCodes.Failed);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return body;
            }

            throw new AdminException(DescribeError(body, (int)response.StatusCode), (int)response.StatusCode switch
            {
                400 => ExitCodes.Usage,
                401 => ExitCodes.NotSignedIn,
                403 => ExitCodes.Forbidden,
                _ => ExitCodes.Failed,
            });
        }
    }

    /// <summary>A request body in the admin API's contract.</summary>
    public static HttpContent Body<T>(T request, JsonTypeInfo<T> contract) => JsonContent.Create(request, contract);

    /// <summary>
    /// Reads the answer <paramref name="body"/> of a success with <paramref name="contract"/>, from
    /// <see cref="AdminApiJsonContext.Answers"/> (members a newer server added are skipped).
    /// </summary>
    public static T Read<T>(string body, JsonTypeInfo<T> contract)
    {
        try
        {
            return JsonSerializer.Deserialize(body, contract) ?? throw new JsonException("the answer is null");
        }
        catch (JsonException e)
        {
            throw new AdminException($"the server's answer is not what this postern expects ({e.Message}); is the server of another version?", ExitCodes.Failed);
        }
    }

    private static string DescribeError(string body, int status)
    {
        try
        {
            var answer = JsonSerializer.Deserialize(body, AdminApiJsonContext.Answers.AdminError);
            return string.Join(Environment.NewLine, [answer?.Error ?? $"the server answered {status}", .. (answer?.Details ?? []).Select(d => "  " + d)]);
        }
        catch (JsonException)
        {
            return $"the server answered {status}";
        }
    }

    /// <summary>Runs an admin command body, turning <see cref="AdminException"/> into a message and an exit code.</summary>
    public static async Task<int> RunAsync(string? configPath, TextWriter error, Func<AdminClient, Task<int>> body)
    {
        try
        {
            using var client = Open(configPath);
            return await body(client).ConfigureAwait(false);
        }
        catch (AdminException e)
        {
            await error.WriteLineAsync($"postern: {e.Message}").ConfigureAwait(false);
            return e.ExitCode;
        }
    }

    public void Dispose() => _http.Dispose();
}
