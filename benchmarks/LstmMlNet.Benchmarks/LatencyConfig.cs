namespace LstmMlNet.Benchmarks;

/// <summary>For single calls of microseconds to a few milliseconds: 3 warm-ups, 15 measured iterations of 200 calls.</summary>
public sealed class LatencyConfig() : InProcessRunConfig(3, 15, 200);
