using System.Globalization;

namespace Postern.Agent.Tests.Infrastructure;

/// <summary>The test process's own uid and gid, from /proc/self/status.</summary>
internal static class CurrentProcess
{
    public static uint Uid => Field("Uid:");

    public static uint Gid => Field("Gid:");

    /// <summary>The real path of the running executable (dotnet or the test host).</summary>
    public static string Exe => new FileInfo("/proc/self/exe").LinkTarget!;

    /// <summary>The SHA-256 of the running executable, in lower-case hex.</summary>
    public static string ExeSha256 => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Exe)));

    private static uint Field(string name)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(name, StringComparison.Ordinal));
        return uint.Parse(line[name.Length..].Split('\t', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
    }
}
