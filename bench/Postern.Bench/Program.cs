using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Postern.Bench -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Postern.Bench.SigningBenchmarks).Assembly).Run(args);
