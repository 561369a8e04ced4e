namespace LstmMlNet.Forecasting;

/// <summary>The state part of a checkpoint.</summary>
internal sealed record EngineCheckPoint(int FormatVersion, ForecastEngineSpec Spec, float[] Values, float[] Covariates, AdaptiveBoundsState Bounds,
    float[] PastCovariates, long[] Timestamps);
