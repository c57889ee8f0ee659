using System.Globalization;
using Postern.Bench.Soak;

// The soak's parts, driven by bench/soak/run.sh:
//   upstream PORT ISSUER AUDIENCE        an app that answers 200 only to a request whose Teleport-Jwt-Assertion verifies
//   capacity SECONDS OUT_DIR             the mix at full load (closed loop): the rate of each kind, to capacity.csv
//   run SECONDS OUT_DIR APP SIGNIN SVID  the mix at those rates (open loop, paced), sampled every 10 s to CSV
//   analyze OUT_DIR                      the summary; exit 1 when a request failed or a figure grew without bound
// The load parts read the targets from the environment (SoakSettings).
static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

switch (args.FirstOrDefault())
{
    case "upstream":
        await VerifyingUpstream.RunAsync(int.Parse(args[1], CultureInfo.InvariantCulture), args[2], args[3]);
        return 0;
    case "capacity":
    {
        await using var targets = new Targets(SoakSettings.FromEnvironment(), addressBlock: 10, signInAddresses: 256);
        return await ClosedLoop.RunAsync(targets, TimeSpan.FromSeconds(Number(args[1])), args[2]);
    }
    case "run":
    {
        var rates = new Dictionary<RequestKind, double>
        {
            [RequestKind.App] = Number(args[3]),
            [RequestKind.SignIn] = Number(args[4]),
            [RequestKind.Svid] = Number(args[5]),
        };
        // Each address may sign in 30 times at once, then once every 2 s (SignInLimits): enough addresses for the rate, with room.
        var addresses = Math.Max(256, (int)Math.Ceiling(rates[RequestKind.SignIn] * 2 * 1.5));
        await using var targets = new Targets(SoakSettings.FromEnvironment(), addressBlock: 20, signInAddresses: addresses);
        return await OpenLoop.RunAsync(targets, rates, TimeSpan.FromSeconds(Number(args[1])), args[2]);
    }
    case "analyze":
        return SoakAnalysis.Run(args[1]);
    default:
        Console.Error.WriteLine("usage: Postern.Bench.Soak upstream|capacity|run|analyze ... (see bench/soak/run.sh)");
        return 2;
}
