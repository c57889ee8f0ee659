using System.CommandLine;
using Postern.Authority;
using Postern.Configuration;
using Postern.Server;

namespace Postern.Cli.Commands;

/// <summary><c>postern start</c>: runs the server until Ctrl+C or SIGTERM.</summary>
internal static class StartCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var demo = new Option<bool>("--demo") { Description = "Add the built-in demo app (demo.localhost) and an admin user whose one-time password is printed." };
        var command = new Command("start", "Run the Postern server.") { config, demo };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(config), parse.GetValue(demo), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string? configPath, bool demo, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        PosternConfig config;
        try
        {
            config = ConfigLoader.Load(configPath ?? CommonOptions.DefaultConfigPath, mayBeMissing: configPath is null);
        }
        catch (ConfigException e)
        {
            await error.WriteLineAsync($"postern: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        PosternHost host;
        try
        {
            host = await PosternHost.StartAsync(config, new PosternHostOptions { Demo = demo }, cancellationToken).ConfigureAwait(false);
        }
        catch (KeyEncryptionKeyException e)
        {
            await error.WriteLineAsync($"postern: cannot start: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
        catch (IOException e)
        {
            await error.WriteLineAsync($"postern: cannot start: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Failed;
        }

        await using (host.ConfigureAwait(false))
        {
            // With JSON logs, standard output holds JSON lines only: the greeting goes to standard error.
            await (config.Log.Format == LogFormat.Json ? error : output).WriteLineAsync(Welcome(host)).ConfigureAwait(false);
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

    private static string Welcome(PosternHost host)
    {
        var web = host.BoundAddress.ToString().TrimEnd('/');
        var lines = new List<string>
        {
            "",
            $"Postern is running for cluster '{host.Config.ClusterName}'.",
            $"  Web address:          {web}   (public address: {host.PublicAddr.Text})",
            $"  App access key set:   {web}/.well-known/jwks.json",
            $"  Workload issuer:      {Postern.WorkloadIdentity.WorkloadIssuer.Issuer(host.PublicAddr)}",
            $"  Workload discovery:   {web}{Postern.WorkloadIdentity.WorkloadIssuer.DiscoveryPath}",
            $"  Data folder:          {host.Config.DataDir}",
        };
        if (host.GeneratedCertificatePath is { } cert)
        {
            lines.Add($"  TLS certificate:      {cert} (self-signed: curl --cacert {cert} ..., or curl -k)");
        }

        if (host.Demo is { } setup)
        {
            lines.Add("");
            lines.Add($"Demo: sign in at {host.PublicAddr.Combine("/web/")} as '{DemoSetup.AdminUser}' with the one-time password {setup.AdminPassword}");
            lines.Add($"      then open the demo app at {setup.AppPublicUrl} (*.localhost names reach this machine in Chrome, Firefox and curl).");
            lines.Add($"      From a script: curl -k -c jar -H 'Content-Type: application/json' -d '{{\"username\":\"{DemoSetup.AdminUser}\",\"password\":\"{setup.AdminPassword}\"}}' {host.PublicAddr.Combine("/v1/login")}");
            lines.Add($"                     curl -kL -b jar -c jar {setup.AppPublicUrl}");
        }

        lines.Add($"Try: curl -k {web}/.well-known/jwks.json");
        lines.Add("Press Ctrl+C to stop.");
        return string.Join(Environment.NewLine, lines);
    }
}
