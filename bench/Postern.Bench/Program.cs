using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Postern.Bench -- --filter '*'
// dotnet run -c Release --project bench/Postern.Bench -- raw-sign-rate [SECONDS] [THREADS] [RS256|ES256]
// dotnet run -c Release --project bench/Postern.Bench -- signing-server PORT [RS256|ES256] [AUDIT_DIR [journal-only|bare-fsync]]
// dotnet run -c Release --project bench/Postern.Bench -- audit-search [EVENTS]
if (args.Length > 0 && args[0] == "audit-search")
{
    return await Postern.Bench.AuditSearchBench.RunAsync(args);
}

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
