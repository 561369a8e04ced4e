namespace LstmMlNet.Forecasting;

/// <summary>The split-conformal bounds arithmetic in the series' units, at any half-widths (e.g.
/// <see cref="ConformalScores.HalfWidths"/> of a level): the forecast's level ℓ̂ = level(forecast) moved by q·σ in level
/// space and mapped back, as the adaptive bounds and the scoring graph compute them.</summary>
internal static class ConformalBounds
{
    /// <summary>The bounds of <paramref name="forecast"/> (the series' units, one value per step) for a window with interval
    /// scale <paramref name="sigma"/> at the half-widths <paramref name="halfWidths"/> (units of σ):
    /// level⁻¹(ℓ̂_k ∓ q_k·σ) with ℓ̂_k = level(forecast_k), the arithmetic of the adaptive bounds and of the scoring graph.</summary>
    public static (float[] Lower, float[] Upper) Bounds(ReadOnlySpan<float> forecast, float sigma, ReadOnlySpan<float> halfWidths, ForecastTargetTransform transform)
    {
        if (halfWidths.Length != forecast.Length) throw new ArgumentException($"{halfWidths.Length} half-widths for {forecast.Length} forecast steps.", nameof(halfWidths));
        var lower = new float[forecast.Length];
        var upper = new float[forecast.Length];
        for (int k = 0; k < forecast.Length; k++)
        {
            float level = ForecastLayout.Level(transform, forecast[k]);
            float margin = halfWidths[k] * sigma;
            lower[k] = ForecastLayout.Unlevel(transform, level - margin);
            upper[k] = ForecastLayout.Unlevel(transform, level + margin);
        }
        return (lower, upper);
    }

    /// <summary>The values of <paramref name="forecast"/> (the series' units) moved by <paramref name="offsets"/> (units of σ,
    /// signed, e.g. <see cref="ConformalScores.QuantileOffsets"/>) in level space: level⁻¹(ℓ̂_k + o_k·σ); an offset of 0 (the
    /// median, τ = 0.5) is the forecast itself, not its round trip through the level.</summary>
    public static float[] Shift(ReadOnlySpan<float> forecast, float sigma, ReadOnlySpan<float> offsets, ForecastTargetTransform transform)
    {
        if (offsets.Length != forecast.Length) throw new ArgumentException($"{offsets.Length} offsets for {forecast.Length} forecast steps.", nameof(offsets));
        var shifted = new float[forecast.Length];
        for (int k = 0; k < forecast.Length; k++)
            shifted[k] = offsets[k] == 0 ? forecast[k] : ForecastLayout.Unlevel(transform, ForecastLayout.Level(transform, forecast[k]) + offsets[k] * sigma);
        return shifted;
    }
}
