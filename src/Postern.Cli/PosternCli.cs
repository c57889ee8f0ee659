using System.CommandLine;
using Postern.Cli.Commands;

namespace Postern.Cli;

/// <summary>The <c>postern</c> command line.</summary>
internal static class PosternCli
{
    public static RootCommand CreateRootCommand() => new("Postern: an identity-aware access plane that signs short-lived JWTs for people and workloads.")
    {
        StartCommand.Create(),
        JwtCommand.Create(),
    };
}
