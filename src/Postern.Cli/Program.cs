using System.CommandLine;
using Postern.Cli.Commands;

var root = new RootCommand("Postern: an identity-aware access plane that signs short-lived JWTs for people and workloads.");
root.Subcommands.Add(StartCommand.Create());
root.Subcommands.Add(JwtCommand.Create());
return await root.Parse(args).InvokeAsync();
