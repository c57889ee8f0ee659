using Postern.Testing;

namespace Postern.Server.Tests.Infrastructure;

/// <summary>The admin commands against a <see cref="PosternProcess"/>, run as the <c>postern</c> executable.</summary>
internal static class PosternProcessCommands
{
    extension(PosternProcess)
    {
        /// <summary>Runs a <c>postern</c> command as its own process; returns its exit code and its output and error text.</summary>
        public static async Task<(int Exit, string Output)> CliAsync(params string[] args)
        {
            var (exit, output, error) = await PosternProcess.RunCliAsync(null, args);
            return (exit, output + error);
        }
    }
}
