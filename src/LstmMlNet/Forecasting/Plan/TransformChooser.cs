namespace LstmMlNet.Forecasting;

/// <summary>
/// The automatic target transform (<see cref="ForecastTargetTransform.Automatic"/>): <see cref="ForecastTargetTransform.Log1p"/>
/// or <see cref="ForecastTargetTransform.None"/>, by Guerrero's (1993) test of whether a series' spread grows with its level.
/// Each series' training part is cut into consecutive blocks of one season (two steps without a season), aligned to its
/// end; each block has a mean μ and a standard deviation s. Without a transform the spread should not follow the level:
/// the coefficient of variation of the blocks' s is small. With log(1 + y) the spread of log(1 + y) — about s / (1 + μ) —
/// should not follow it: the coefficient of variation of s / (1 + μ) is small. Averaged over the series (each series
/// counts once), Log1p wins when its variation is below <see cref="Margin"/> of the untransformed one, and only when no
/// training value is negative; otherwise the values stay as they are (a series whose spread does not depend on its level
/// is forecast as before the choice existed).
/// </summary>
internal static class TransformChooser
{
    /// <summary>Log1p needs a variation below this share of the untransformed one: clearly better, not a coin toss between
    /// two near-constant spreads. Airline, M4 hourly and bike hourly are at 0.30, 0.70 and 0.18 of it; bike daily at 1.13.</summary>
    public const double Margin = 0.9;

    /// <summary>The choice and the two mean coefficients of variation (NaN when no series had two usable blocks).</summary>
    public readonly record struct Choice(ForecastTargetTransform Transform, double LogVariation, double PlainVariation, int Series, string? Reason);

    /// <summary>Chooses for the training parts <paramref name="values"/> (raw values) with season <paramref name="season"/>
    /// (≤ 1 for none: blocks of 2).</summary>
    public static Choice Choose(IReadOnlyList<float[]> values, int season)
    {
        foreach (float[] v in values)
        {
            foreach (float y in v)
            {
                if (y < 0) return new(ForecastTargetTransform.None, double.NaN, double.NaN, 0, "a training value is negative");
            }
        }
        int block = Math.Max(2, season);
        double logSum = 0, plainSum = 0;
        int used = 0;
        foreach (float[] v in values)
        {
            var (log, plain) = Variation(v, block);
            if (double.IsNaN(log) || double.IsNaN(plain)) continue;
            logSum += log;
            plainSum += plain;
            used++;
        }
        if (used == 0) return new(ForecastTargetTransform.None, double.NaN, double.NaN, 0, "no series has two blocks of one season with spread");
        double logMean = logSum / used, plainMean = plainSum / used;
        return new(logMean < Margin * plainMean ? ForecastTargetTransform.Log1p : ForecastTargetTransform.None, logMean, plainMean, used, null);
    }

    /// <summary>Coefficients of variation of s / (1 + μ) and of s over the blocks of <paramref name="v"/>; NaN when fewer
    /// than two blocks exist or the spreads are all zero.</summary>
    internal static (double Log, double Plain) Variation(ReadOnlySpan<float> v, int block)
    {
        int blocks = v.Length / block;
        if (blocks < 2) return (double.NaN, double.NaN);
        var logRatios = new double[blocks];
        var plainRatios = new double[blocks];
        int start = v.Length - blocks * block;
        for (int b = 0; b < blocks; b++)
        {
            ReadOnlySpan<float> part = v.Slice(start + b * block, block);
            double mean = 0;
            foreach (float y in part) mean += y;
            mean /= block;
            double squares = 0;
            foreach (float y in part) squares += (y - mean) * (y - mean);
            double sd = Math.Sqrt(squares / (block - 1));
            plainRatios[b] = sd;
            logRatios[b] = sd / (1 + mean);
        }
        return (CoefficientOfVariation(logRatios), CoefficientOfVariation(plainRatios));
    }

    private static double CoefficientOfVariation(double[] x)
    {
        double mean = x.Average();
        if (!(mean > 0) || !double.IsFinite(mean)) return double.NaN;
        double squares = x.Sum(r => (r - mean) * (r - mean));
        return Math.Sqrt(squares / (x.Length - 1)) / mean;
    }
}
