using System.CommandLine;
using System.Text;
using Postern.Admin.Api;

namespace Postern.Cli.Commands;

/// <summary><c>postern create -f</c>, <c>get</c>, <c>rm</c>: roles, apps and users as YAML resources.</summary>
internal static class ResourceCommands
{
    public static IEnumerable<Command> Create() => [CreateCommand(), Get(), Remove()];

    private static Command CreateCommand()
    {
        var config = CommonOptions.Config();
        var file = new Option<string>("--file", "-f") { Description = "A YAML file with one or more resources, or a folder of them.", Required = true };
        var command = new Command("create", "Create or replace resources from YAML.") { config, file };
        command.SetAction((parse, cancellationToken) => AdminClient.RunAsync(parse.GetValue(config), parse.InvocationConfiguration.Error, async client =>
        {
            var path = parse.GetValue(file)!;
            string[] files = Directory.Exists(path)
                ? [.. Directory.EnumerateFiles(path).Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal)]
                : File.Exists(path) ? [path] : [];
            if (files.Length == 0)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"postern: --file '{path}': no such file, or a folder without .yaml files").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            foreach (var name in files)
            {
                var text = await File.ReadAllTextAsync(name, cancellationToken).ConfigureAwait(false);
                var body = await client.SendAsync(HttpMethod.Post, "resources?source=" + Uri.EscapeDataString(Path.GetFileName(name)),
                    new StringContent(text, Encoding.UTF8, "application/yaml"), cancellationToken).ConfigureAwait(false);
                foreach (var written in AdminClient.Read(body, AdminApiJsonContext.Answers.ResourcesWritten).Written)
                {
                    await parse.InvocationConfiguration.Output.WriteLineAsync($"{written} created").ConfigureAwait(false);
                }
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Get()
    {
        var config = CommonOptions.Config();
        var kind = new Argument<string>("kind") { Description = "role, app or user." };
        var name = new Argument<string?>("name") { Description = "One resource's name; all of the kind when omitted.", Arity = ArgumentArity.ZeroOrOne };
        var format = CommonOptions.Format();
        var command = new Command("get", "Print resources: as YAML (text, yaml), or as JSON (json: one object for NAME, an array for a kind).") { config, format, kind, name };
        command.SetAction((parse, cancellationToken) => AdminClient.RunAsync(parse.GetValue(config), parse.InvocationConfiguration.Error, async client =>
        {
            var one = parse.GetValue(name);
            var path = "resources/" + Uri.EscapeDataString(parse.GetValue(kind)!) + (one is not null ? "/" + Uri.EscapeDataString(one) : "");
            var yaml = await client.SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(format) == OutputFormat.Json)
            {
                await output.WriteLineAsync(Listing.FromYaml(yaml, many: one is null)?.ToJsonString() ?? "null").ConfigureAwait(false);
            }
            else
            {
                await output.WriteAsync(yaml).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Remove()
    {
        var config = CommonOptions.Config();
        var target = new Argument<string>("kind/name") { Description = "What to remove, e.g. role/developers or app/grafana." };
        var command = new Command("rm", "Remove a resource.") { config, target };
        command.SetAction((parse, cancellationToken) => AdminClient.RunAsync(parse.GetValue(config), parse.InvocationConfiguration.Error, async client =>
        {
            var text = parse.GetValue(target)!;
            var slash = text.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || slash == text.Length - 1)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"postern: '{text}' is not KIND/NAME").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            await client.SendAsync(HttpMethod.Delete, $"resources/{Uri.EscapeDataString(text[..slash])}/{Uri.EscapeDataString(text[(slash + 1)..])}", null, cancellationToken).ConfigureAwait(false);
            await parse.InvocationConfiguration.Output.WriteLineAsync($"{text} removed").ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
