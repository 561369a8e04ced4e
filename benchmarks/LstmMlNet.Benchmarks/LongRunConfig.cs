namespace LstmMlNet.Benchmarks;

/// <summary>For operations of seconds (a whole Fit): one warm-up, five measured iterations of one operation each.</summary>
public sealed class LongRunConfig() : InProcessRunConfig(1, 5, 1);
