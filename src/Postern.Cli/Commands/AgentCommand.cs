using System.CommandLine;
using Postern.Agent;
using Postern.Configuration;

namespace Postern.Cli.Commands;

/// <summary><c>postern agent</c>: serves the SPIFFE Workload API on a Unix socket until Ctrl+C or SIGTERM.</summary>
internal static class AgentCommand
{
    /// <summary>The environment variable the join token is read from when neither option gives it.</summary>
    public const string JoinTokenVariable = "POSTERN_JOIN_TOKEN";

    public static Command Create(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var server = new Option<string>("--server") { Description = "The Postern server's web address, e.g. https://postern.example.com:3080.", Required = true };
        var joinToken = new Option<string?>("--join-token") { Description = $"The one-time join token from 'postern bots add'. Visible to every user of the host while the agent runs: prefer --join-token-file or {JoinTokenVariable}." };
        var joinTokenFile = new Option<string?>("--join-token-file") { Description = $"A file holding the one-time join token (default: the {JoinTokenVariable} environment variable; not needed once the data folder holds a credential)." };
        var socket = new Option<string?>("--socket") { Description = $"The Workload API socket path (default: {AgentHost.EndpointSocketVariable}, unix:///path)." };
        var dataDir = new Option<string?>("--data-dir") { Description = "Where the agent keeps its credential, agent.json (default ./agent-data)." };
        var diagAddr = new Option<string?>("--diag-addr") { Description = "Serve /metrics, /healthz and /readyz over HTTP on this address, e.g. 127.0.0.1:3001 (default: none). A non-loopback address needs --diag-addr-public." };
        var diagAddrPublic = new Option<bool>("--diag-addr-public") { Description = "Allow --diag-addr to be a non-loopback address (the metrics are then reachable from other hosts)." };
        var logFormat = new Option<string>("--log-format") { Description = "How log lines are written to standard output: text or json.", DefaultValueFactory = _ => "text" };
        logFormat.AcceptOnlyFromAmong("text", "json");
        var outputDir = new Option<string?>("--output-dir") { Description = "Also write this process's X.509-SVID (svid.pem, svid_key.pem 0600, bundle.pem) and JWT-SVIDs (jwt_svid.<audience>.token) to this folder, renewed before half their life, for programs that do not speak the Workload API." };
        var outputAudiences = new Option<string?>("--output-audiences") { Description = "With --output-dir: the audiences of the JWT-SVID files, comma-separated (default: X.509 files only)." };
        var onChange = new Option<string?>("--on-change") { Description = "With --output-dir: a command run with /bin/sh -c after the files change (e.g. 'systemctl reload nginx')." };
        var onChangeSignal = new Option<string?>("--on-change-signal") { Description = $"With --output-dir and --on-change-pid-file: a signal sent after the files change ({ChangeSignal.Expected}; e.g. HUP)." };
        var onChangePidFile = new Option<string?>("--on-change-pid-file") { Description = "With --on-change-signal: the file holding the id of the process to signal, read each time (e.g. /run/nginx.pid)." };
        var caFile = TrustOptions.CaFile();
        var insecure = TrustOptions.Insecure();
        var command = new Command("agent", "Serve the SPIFFE Workload API (JWT-SVIDs) on a Unix socket for the workloads on this host.")
        {
            server, joinToken, joinTokenFile, socket, dataDir, caFile, insecure, diagAddr, diagAddrPublic, logFormat, outputDir, outputAudiences, onChange, onChangeSignal, onChangePidFile,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(server)!,
            new JoinTokenSource(parse.GetValue(joinToken), parse.GetValue(joinTokenFile), environment(JoinTokenVariable)),
            parse.GetValue(socket) ?? AgentHost.SocketPathFromEndpoint(environment(AgentHost.EndpointSocketVariable)),
            parse.GetValue(dataDir) ?? "agent-data",
            parse.GetValue(caFile),
            parse.GetValue(insecure),
            new AgentDiagnostics(parse.GetValue(diagAddr), parse.GetValue(diagAddrPublic), parse.GetValue(logFormat) == "json" ? LogFormat.Json : LogFormat.Text),
            new FileOutputArguments(parse.GetValue(outputDir), parse.GetValue(outputAudiences), parse.GetValue(onChange), parse.GetValue(onChangeSignal), parse.GetValue(onChangePidFile)),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error,
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        string server, JoinTokenSource joinTokenSource, string? socket, string dataDir, string? caFile, bool insecure, AgentDiagnostics diagnostics, FileOutputArguments files, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var (outputs, outputsProblem) = files.Read();
        if (outputsProblem is not null)
        {
            await error.WriteLineAsync($"postern: {outputsProblem}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        DiagAddr? diag = null;
        if (diagnostics.Address is { } diagText && !DiagAddr.TryParse(diagText, diagnostics.Public, out diag, out var diagProblem))
        {
            await error.WriteLineAsync($"postern: --diag-addr {diagProblem}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        if (diagnostics.Address is null && diagnostics.Public)
        {
            await error.WriteLineAsync("postern: --diag-addr-public applies only with --diag-addr").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        if (!Uri.TryCreate(server, UriKind.Absolute, out var serverUri) || (serverUri.Scheme != Uri.UriSchemeHttps && serverUri.Scheme != Uri.UriSchemeHttp))
        {
            await error.WriteLineAsync($"postern: --server '{server}' is not an absolute https:// URL").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        if (string.IsNullOrWhiteSpace(socket))
        {
            await error.WriteLineAsync($"postern: give the socket path with --socket or {AgentHost.EndpointSocketVariable}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        if (caFile is not null && insecure)
        {
            await error.WriteLineAsync("postern: --ca-file and --insecure exclude each other").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        if (caFile is not null && !File.Exists(caFile))
        {
            await error.WriteLineAsync($"postern: --ca-file '{caFile}' not found").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var (joinToken, problem) = joinTokenSource.Read();
        if (problem is not null)
        {
            await error.WriteLineAsync($"postern: {problem}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        if (joinTokenSource.OnCommandLine)
        {
            await error.WriteLineAsync($"postern: warning: --join-token on the command line is visible to every user of this host while the agent runs; use --join-token-file or {JoinTokenVariable}").ConfigureAwait(false);
        }

        var options = new AgentOptions
        {
            Server = serverUri,
            JoinToken = joinToken,
            SocketPath = socket,
            DataDir = dataDir,
            CaFile = caFile,
            InsecureSkipServerCertificateCheck = insecure,
            DiagAddr = diag,
            Log = new LogConfig { Format = diagnostics.LogFormat },
            Outputs = outputs,
        };

        AgentHost host;
        try
        {
            host = await AgentHost.StartAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (AgentStartException e)
        {
            await error.WriteLineAsync($"postern: agent cannot start: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
        catch (IOException e)
        {
            await error.WriteLineAsync($"postern: agent cannot start: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Failed;
        }

        // With JSON logs, standard output holds JSON lines only: the greeting goes to standard error.
        var greeting = diagnostics.LogFormat == LogFormat.Json ? error : output;
        await using (host.ConfigureAwait(false))
        {
            await greeting.WriteLineAsync($"Postern agent serving the Workload API on {host.SocketPath} (bot '{host.Bot ?? "not joined yet"}', trust domain '{host.TrustDomain ?? "unknown yet"}').").ConfigureAwait(false);
            await greeting.WriteLineAsync($"Workloads: export {AgentHost.EndpointSocketVariable}=unix://{host.SocketPath}").ConfigureAwait(false);
            try
            {
                await host.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return ExitCodes.Ok;
    }
}
