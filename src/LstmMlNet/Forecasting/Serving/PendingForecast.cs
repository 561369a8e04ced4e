namespace LstmMlNet.Forecasting;

/// <summary>One forecast the adaptive bounds wait to score: made at <paramref name="Origin"/> (the index of the first
/// observation it forecasts), its level forecasts ℓ̂_k, the window's interval scale σ and the half-widths q_k it was issued
/// with.</summary>
internal sealed record PendingForecast(long Origin, float[] Levels, float Sigma, float[] Quantiles);
