using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Postern.Bench -- --filter '*'
// dotnet run -c Release --project bench/Postern.Bench -- raw-sign-rate [SECONDS] [THREADS]
// dotnet run -c Release --project bench/Postern.Bench -- signing-server PORT
if (args.Length > 0 && args[0] == "raw-sign-rate")
{
    return Postern.Bench.RawSigningRate.Run(args);
}

if (args.Length > 0 && args[0] == "signing-server")
{
    return await Postern.Bench.SigningServer.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(Postern.Bench.SigningBenchmarks).Assembly).Run(args);
return 0;
