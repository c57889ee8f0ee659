using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Postern.Bench -- --filter '*'
// dotnet run -c Release --project bench/Postern.Bench -- raw-sign-rate [SECONDS] [THREADS]
if (args.Length > 0 && args[0] == "raw-sign-rate")
{
    return Postern.Bench.RawSigningRate.Run(args);
}

BenchmarkSwitcher.FromAssembly(typeof(Postern.Bench.SigningBenchmarks).Assembly).Run(args);
return 0;
