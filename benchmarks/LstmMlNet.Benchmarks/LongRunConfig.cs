namespace LstmMlNet.Benchmarks;

/// <summary>For operations of seconds (a whole Fit): one warm-up, five measured iterations of one operation each.</summary>
public sealed class LongRunConfig() : InProcessRunConfig(1, 5, 1);

/// <summary>For a whole Fit compared with a hand-written loop, whose two-thread timing scatters by ±20% on a shared
/// machine: two warm-ups, fifteen measured iterations of one operation each.</summary>
public sealed class WholeFitRunConfig() : InProcessRunConfig(2, 15, 1);

/// <summary>For fits of a minute: one warm-up and three measured iterations of one operation each.</summary>
public sealed class MinuteFitRunConfig() : InProcessRunConfig(1, 3, 1);
