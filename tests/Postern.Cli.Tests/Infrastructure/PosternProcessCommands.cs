using System.CommandLine;
using Postern.Testing;

namespace Postern.Cli.Tests.Infrastructure;

/// <summary>The admin commands against a <see cref="PosternProcess"/>, run in-process.</summary>
internal static class PosternProcessCommands
{
    extension(PosternProcess)
    {
        /// <summary>Runs a <c>postern</c> command in-process; returns its exit code and its output and error text.</summary>
        public static async Task<(int Exit, string Output)> CliAsync(params string[] args)
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            var exit = await PosternCli.CreateRootCommand().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
            return (exit, output + error.ToString());
        }
    }
}
