using System.Diagnostics;
using System.Globalization;

namespace Postern.Server.Tests.Infrastructure;

/// <summary>TOTP codes from Debian's <c>oathtool</c> (installed by tests/setup/oathtool.sh), an implementation independent of Postern's.</summary>
internal static class Oathtool
{
    /// <summary>The code for the base32 <paramref name="secret"/> at <paramref name="at"/> (now by default).</summary>
    public static async Task<string> CodeAsync(string secret, DateTimeOffset? at = null)
    {
        var start = new ProcessStartInfo("oathtool") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("--totp");
        start.ArgumentList.Add("-b");
        if (at is { } time)
        {
            start.ArgumentList.Add("--now");
            start.ArgumentList.Add("@" + time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        }

        start.ArgumentList.Add(secret);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(process.ExitCode == 0, "oathtool: " + await process.StandardError.ReadToEndAsync());
        return output.Trim();
    }
}
