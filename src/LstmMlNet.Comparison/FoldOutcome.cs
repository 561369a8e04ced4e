namespace LstmMlNet.Comparison;

/// <summary>What one fold of one trial measured.</summary>
internal sealed record FoldOutcome(double Metric, double FitSeconds, long? Parameters);
