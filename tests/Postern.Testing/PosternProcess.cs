using System.Diagnostics;
using System.Globalization;

namespace Postern.Testing;

/// <summary>
/// <c>postern start</c> as its own process, for tests that kill it (the test project references Postern.Cli, so
/// that <c>postern.dll</c> is beside it). Output goes to a file in the data folder's parent: a child holding the
/// test's pipes can hang the test host.
/// </summary>
public sealed class PosternProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;

    private PosternProcess(Process process, string folder, string log)
    {
        _process = process;
        _folder = folder;
        LogPath = log;
    }

    public string LogPath { get; }

    /// <summary>The data folder (<c>data</c> in the folder the process runs in).</summary>
    public string DataDir => Path.Combine(_folder, "data");

    /// <summary>The generated TLS certificate.</summary>
    public string CertificatePath => Path.Combine(DataDir, "tls", "cert.pem");

    /// <summary>The admin API of this instance.</summary>
    public AdminApi Admin => new(Path.Combine(DataDir, "admin.json"), CertificatePath);

    /// <summary>
    /// Starts <c>postern start --config <paramref name="config"/></c> in <paramref name="folder"/>, whose config keeps its data in
    /// <c>data</c>; standard error goes to <paramref name="errorLogName"/> when given, else with standard output.
    /// </summary>
    public static PosternProcess Start(string folder, string config, string logName, IReadOnlyDictionary<string, string>? environment = null, string? errorLogName = null)
    {
        var log = Path.Combine(folder, logName);
        var start = new ProcessStartInfo("bash") { WorkingDirectory = folder };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"exec dotnet '{Path.Combine(AppContext.BaseDirectory, "postern.dll")}' start --config '{config}' > '{log}' {(errorLogName is null ? "2>&1" : $"2> '{Path.Combine(folder, errorLogName)}'")}");
        return new PosternProcess(Process.Start(start)!, folder, log);
    }

    /// <summary>Waits until <c>/readyz</c> answers on <paramref name="port"/> and the admin credential exists; returns a client that trusts the server.</summary>
    public async Task<HttpClient> WaitReadyAsync(int port)
    {
        var certificate = Path.Combine(_folder, "data", "tls", "cert.pem");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            if (File.Exists(certificate))
            {
                var http = TestPostern.CreateClient(certificate);
                try
                {
                    using var ready = await http.GetAsync($"https://127.0.0.1:{port}/readyz");
                    if (ready.IsSuccessStatusCode && File.Exists(Path.Combine(_folder, "data", "admin.json")))
                    {
                        return http;
                    }
                }
                catch (HttpRequestException)
                {
                }

                http.Dispose();
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("postern start did not become ready within 60 s: " + File.ReadAllText(LogPath));
    }

    /// <summary>Adds a bot with the role <c>workload</c> and an agent's join token through this instance, joins with it, and returns the credential.</summary>
    public async Task<string> JoinBotAsync(int port, string name)
    {
        var token = (await Admin.AddBotAsync(name, ["workload"], agent: true)).Token;
        using var http = TestPostern.CreateClient(CertificatePath);
        using var joined = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(http, $"https://127.0.0.1:{port}/v1/bots/join", new { token });
        return System.Text.Json.JsonDocument.Parse(await joined.Content.ReadAsStringAsync()).RootElement.GetProperty("credential").GetString()!;
    }

    /// <summary>A client of this instance that sends <paramref name="credential"/> as its bearer token.</summary>
    public HttpClient BearerClient(string credential)
    {
        var client = TestPostern.CreateClient(CertificatePath);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", credential);
        return client;
    }

    /// <summary>Sends <paramref name="signal"/> (e.g. <c>KILL</c>) and waits for the process to end.</summary>
    public async Task StopAsync(string signal)
    {
        if (!_process.HasExited)
        {
            Process.Start("kill", [$"-{signal}", _process.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync("KILL");
        _process.Dispose();
    }

    /// <summary>Runs <c>postern</c> as its own process, as the README does, with <paramref name="input"/> (if any) as its standard input.</summary>
    public static Task<(int Exit, string Output, string Error)> RunCliAsync(string? input, params string[] args) =>
        RunCliInAsync(null, null, input, args);

    /// <summary>
    /// As <see cref="RunCliAsync"/>, in <paramref name="folder"/> (the current one when <c>null</c>) with <c>POSTERN_HOME</c> set to
    /// <paramref name="home"/> (when not <c>null</c>): a person's laptop, away from the server's data folder.
    /// </summary>
    public static async Task<(int Exit, string Output, string Error)> RunCliInAsync(string? folder, string? home, string? input, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true };
        if (folder is not null)
        {
            start.WorkingDirectory = folder;
        }

        if (home is not null)
        {
            start.Environment["POSTERN_HOME"] = home;
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "postern.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        if (input is not null)
        {
            await process.StandardInput.WriteLineAsync(input);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await output, await error);
    }
}
