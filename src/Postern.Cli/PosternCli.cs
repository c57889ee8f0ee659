using System.CommandLine;
using Postern.Cli.Commands;

namespace Postern.Cli;

/// <summary>The <c>postern</c> command line.</summary>
internal static class PosternCli
{
    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("Postern: an identity-aware access plane that signs short-lived JWTs for people and workloads.")
        {
            StartCommand.Create(),
            UsersCommand.Create(),
            AuditCommand.Create(),
            DoctorCommand.Create(),
            JwtCommand.Create(),
            BotsCommand.Create(),
            CaCommand.Create(),
            SvidCommand.Create(),
            AgentCommand.Create(),
        };
        foreach (var command in ResourceCommands.Create().Concat(LockCommand.Create()).Concat(LoginCommand.Create()))
        {
            root.Subcommands.Add(command);
        }

        return root;
    }
}
