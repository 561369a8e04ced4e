namespace LstmMlNet;

/// <summary>Point and interval forecast errors over paired actual and forecast values (same length, finite).</summary>
public static class ForecastMetrics
{
    /// <summary>Mean absolute error, in the series' units.</summary>
    public static double MeanAbsoluteError(IReadOnlyList<float> actual, IReadOnlyList<float> forecast) =>
        Pairs(actual, forecast).Average(p => Math.Abs(p.A - p.F));

    /// <summary>Mean squared error, in the series' units squared.</summary>
    public static double MeanSquaredError(IReadOnlyList<float> actual, IReadOnlyList<float> forecast) =>
        Pairs(actual, forecast).Average(p => (p.A - p.F) * (p.A - p.F));

    /// <summary>Root mean squared error, in the series' units.</summary>
    public static double RootMeanSquaredError(IReadOnlyList<float> actual, IReadOnlyList<float> forecast) =>
        Math.Sqrt(Pairs(actual, forecast).Average(p => (p.A - p.F) * (p.A - p.F)));

    /// <summary>Symmetric MAPE in percent: mean of 200·|a − f| / (|a| + |f|), a pair with a = f = 0 counting 0.</summary>
    public static double SymmetricMeanAbsolutePercentageError(IReadOnlyList<float> actual, IReadOnlyList<float> forecast) =>
        Pairs(actual, forecast).Average(p => p.A == 0 && p.F == 0 ? 0 : 200.0 * Math.Abs(p.A - p.F) / (Math.Abs(p.A) + Math.Abs(p.F)));

    /// <summary>Mean absolute percentage error in percent: mean of 100·|a − f| / |a|; every actual value must be non-zero.</summary>
    public static double MeanAbsolutePercentageError(IReadOnlyList<float> actual, IReadOnlyList<float> forecast) =>
        Pairs(actual, forecast).Average(p => p.A != 0 ? 100.0 * Math.Abs(p.A - p.F) / Math.Abs(p.A) : throw new ArgumentException("MAPE is undefined for an actual value of 0.", nameof(actual)));

    /// <summary>MAPE in percent over the pairs whose actual value is not 0, and how many pairs were left out for an actual of 0
    /// (NaN when every actual is 0): the figure a series with zeros (demand, counts) can have.</summary>
    public static (double Mape, int ZeroActuals) MeanAbsolutePercentageErrorOfNonZero(IReadOnlyList<float> actual, IReadOnlyList<float> forecast)
    {
        var pairs = Pairs(actual, forecast).ToArray();
        var nonZero = pairs.Where(p => p.A != 0).ToArray();
        int zeros = pairs.Length - nonZero.Length;
        return (nonZero.Length == 0 ? double.NaN : nonZero.Average(p => 100.0 * Math.Abs(p.A - p.F) / Math.Abs(p.A)), zeros);
    }

    /// <summary>Mean width of the intervals [lower, upper], in the series' units.</summary>
    public static double MeanIntervalWidth(IReadOnlyList<float> lower, IReadOnlyList<float> upper) =>
        Pairs(upper, lower).Average(p => p.A - p.F);

    /// <summary>Mean interval (Winkler) score of central (1 − α) intervals, α = 1 − <paramref name="level"/>, in the series'
    /// units: width + (2/α)·(lower − a) when a is below the interval, + (2/α)·(a − upper) when above. Lower is better; it
    /// rewards narrow intervals and charges every miss by its distance, so coverage cannot be bought with width.</summary>
    public static double IntervalScore(IReadOnlyList<float> actual, IReadOnlyList<float> lower, IReadOnlyList<float> upper, double level)
    {
        if (!(level > 0 && level < 1)) throw new ArgumentOutOfRangeException(nameof(level), level, "The interval's level must be in (0, 1).");
        var below = Pairs(actual, lower).ToArray();
        var above = Pairs(actual, upper).ToArray();
        double alpha = 1 - level, sum = 0;
        for (int i = 0; i < below.Length; i++)
        {
            double a = below[i].A, l = below[i].F, u = above[i].F;
            sum += u - l + (a < l ? 2 / alpha * (l - a) : 0) + (a > u ? 2 / alpha * (a - u) : 0);
        }
        return sum / below.Length;
    }

    /// <summary>Mean absolute scaled error: MAE divided by the in-sample MAE of the seasonal naive forecast
    /// (y_t predicted by y_{t−m}) on <paramref name="training"/>; below 1 beats that naive forecast.</summary>
    public static double MeanAbsoluteScaledError(IReadOnlyList<float> actual, IReadOnlyList<float> forecast, IReadOnlyList<float> training, int seasonality = 1)
    {
        ArgumentNullException.ThrowIfNull(training);
        if (seasonality < 1) throw new ArgumentOutOfRangeException(nameof(seasonality), seasonality, "The seasonality must be at least 1.");
        if (training.Count <= seasonality) throw new ArgumentException($"MASE needs more than {seasonality} training values; got {training.Count}.", nameof(training));
        double scale = SeasonalNaiveScale(new[] { training }, seasonality);
        if (double.IsNaN(scale)) throw new ArgumentException("MASE is undefined: the seasonal naive forecast is exact on the training values.", nameof(training));
        return MeanAbsoluteError(actual, forecast) / scale;
    }

    /// <summary>The scale of MASE, the one routine every MASE figure of this library uses: the mean of |y_t − y_{t−m}| over
    /// t = m … n − 1 of each training series, pooled over the series (each pair counts once); NaN when there is no pair or
    /// the mean is 0 (the seasonal naive forecast is exact in sample).</summary>
    internal static double SeasonalNaiveScale(IEnumerable<IReadOnlyList<float>> training, int m)
    {
        double sum = 0;
        long count = 0;
        foreach (IReadOnlyList<float> values in training)
        {
            for (int t = m; t < values.Count; t++)
            {
                sum += Math.Abs(values[t] - values[t - m]);
                count++;
            }
        }
        return count > 0 && sum > 0 ? sum / count : double.NaN;
    }

    /// <summary>Fraction of actual values inside [lower, upper] (inclusive).</summary>
    public static double Coverage(IReadOnlyList<float> actual, IReadOnlyList<float> lower, IReadOnlyList<float> upper)
    {
        Pairs(actual, lower);
        Pairs(actual, upper);
        int inside = 0;
        for (int i = 0; i < actual.Count; i++)
        {
            if (actual[i] >= lower[i] && actual[i] <= upper[i]) inside++;
        }
        return (double)inside / actual.Count;
    }

    private static IEnumerable<(double A, double F)> Pairs(IReadOnlyList<float> actual, IReadOnlyList<float> forecast)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(forecast);
        if (actual.Count != forecast.Count) throw new ArgumentException($"{actual.Count} actual values but {forecast.Count} forecasts.", nameof(forecast));
        if (actual.Count == 0) throw new ArgumentException("There are no values to compare.", nameof(actual));
        for (int i = 0; i < actual.Count; i++)
        {
            if (!float.IsFinite(actual[i]) || !float.IsFinite(forecast[i]))
                throw new ArgumentException($"Pair {i} is not finite (actual {actual[i]}, forecast {forecast[i]}).", nameof(forecast));
        }
        return actual.Select((a, i) => ((double)a, (double)forecast[i])).ToArray();
    }
}
