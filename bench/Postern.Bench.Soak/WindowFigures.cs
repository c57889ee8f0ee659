namespace Postern.Bench.Soak;

/// <summary>One kind's requests over one window: how many, how many failed, and their latency (ms).</summary>
internal sealed record WindowFigures(RequestKind Kind, int Requests, int Failures, double Rate, double P50, double P99, double Max);
