using System.Diagnostics;

namespace Postern.Testing;

/// <summary>The system's <c>openssl</c> command: an X.509 parser and verifier independent of .NET's.</summary>
public static class Openssl
{
    /// <summary>Runs <c>openssl</c> with <paramref name="args"/>; returns its exit code and what it wrote (stdout, then stderr).</summary>
    public static async Task<(int Exit, string Output, string Errors)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await output, await errors);
    }

    /// <summary>The <c>openssl x509 -text</c> rendering of the PEM or DER certificate file at <paramref name="path"/>.</summary>
    public static async Task<string> TextAsync(string path, bool der = false)
    {
        var (exit, output, errors) = await RunAsync(der ? ["x509", "-inform", "DER", "-in", path, "-noout", "-text"] : ["x509", "-in", path, "-noout", "-text"]);
        if (exit != 0)
        {
            throw new InvalidOperationException("openssl x509: " + errors);
        }

        return output;
    }

    /// <summary>Writes <paramref name="certificates"/> (DER) to <paramref name="path"/> as PEM blocks.</summary>
    public static string WritePem(string path, IEnumerable<byte[]> certificates)
    {
        File.WriteAllText(path, string.Concat(certificates.Select(der => new string(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE", der)) + "\n")));
        return path;
    }
}
