using Postern.Bench.BareProxy;

return await BareProxy.RunAsync(args);
