namespace LstmMlNet.Forecasting;

/// <summary>The state of adaptive bounds, as a checkpoint stores it.</summary>
internal sealed record AdaptiveBoundsState(float[] Quantiles, long Observed, PendingForecast[] Pending);
