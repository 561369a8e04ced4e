namespace M4HourlySample;

/// <summary>
/// The M4 competition's accuracy measures and benchmark forecasts, written from their published definitions (Makridakis,
/// Spiliotis &amp; Assimakopoulos, IJF 36(1), 2020): sMAPE = mean of 200·|y − ŷ| / (|y| + |ŷ|); MASE = MAE divided by
/// the in-sample MAE of the seasonal naive forecast at lag m; both averaged over the series; OWA = ½(sMAPE / sMAPE_Naive2
/// + MASE / MASE_Naive2).
/// </summary>
public static class M4Evaluation
{
    /// <summary>sMAPE of one series' forecast, in percent.</summary>
    public static double SymmetricMape(ReadOnlySpan<float> actual, ReadOnlySpan<float> forecast)
    {
        double sum = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double denominator = Math.Abs(actual[i]) + Math.Abs(forecast[i]);
            sum += denominator == 0 ? 0 : 200.0 * Math.Abs(actual[i] - forecast[i]) / denominator;
        }
        return sum / actual.Length;
    }

    /// <summary>MASE of one series' forecast: its MAE over the in-sample MAE of the lag-<paramref name="m"/> naive forecast.</summary>
    public static double Mase(ReadOnlySpan<float> training, ReadOnlySpan<float> actual, ReadOnlySpan<float> forecast, int m)
    {
        double scale = SeasonalNaiveScale(training, m);
        double error = 0;
        for (int i = 0; i < actual.Length; i++) error += Math.Abs(actual[i] - forecast[i]);
        return error / actual.Length / scale;
    }

    /// <summary>MASE's denominator: the in-sample MAE of the lag-<paramref name="m"/> naive forecast.</summary>
    public static double SeasonalNaiveScale(ReadOnlySpan<float> training, int m)
    {
        double scale = 0;
        for (int t = m; t < training.Length; t++) scale += Math.Abs(training[t] - training[t - m]);
        return scale / (training.Length - m);
    }

    /// <summary>Mean sMAPE and mean MASE of a method over all series.</summary>
    public static (double Smape, double Mase) Score(IReadOnlyList<M4Series> series, IReadOnlyList<float[]> forecasts, int m)
    {
        double smape = 0, mase = 0;
        for (int i = 0; i < series.Count; i++)
        {
            smape += SymmetricMape(series[i].Test, forecasts[i]);
            mase += Mase(series[i].Train, series[i].Test, forecasts[i], m);
        }
        return (smape / series.Count, mase / series.Count);
    }

    /// <summary>OWA of (sMAPE, MASE) relative to Naive2's.</summary>
    public static double Owa((double Smape, double Mase) method, (double Smape, double Mase) naive2) =>
        0.5 * (method.Smape / naive2.Smape + method.Mase / naive2.Mase);

    /// <summary>Naive 1: the last value repeated.</summary>
    public static float[] Naive(ReadOnlySpan<float> training, int horizon)
    {
        var f = new float[horizon];
        Array.Fill(f, training[^1]);
        return f;
    }

    /// <summary>Seasonal naive: the last season repeated.</summary>
    public static float[] SeasonalNaive(ReadOnlySpan<float> training, int horizon, int m)
    {
        var f = new float[horizon];
        for (int k = 0; k < horizon; k++) f[k] = training[training.Length - m + k % m];
        return f;
    }

    /// <summary>Naive 2: the naive forecast of the series seasonally adjusted by classical multiplicative decomposition,
    /// re-seasonalised with the last season's indices, where M4's seasonality test finds a season (otherwise Naive 1).</summary>
    public static float[] Naive2(ReadOnlySpan<float> training, int horizon, int m)
    {
        if (!IsSeasonal(training, m)) return Naive(training, horizon);
        double[] indices = SeasonalIndices(training, m);
        int n = training.Length;
        double adjusted = training[n - 1] / indices[n - 1];
        var f = new float[horizon];
        for (int k = 0; k < horizon; k++) f[k] = (float)(adjusted * indices[n - m + k % m]);
        return f;
    }

    /// <summary>M4's 90% test: |r_m| &gt; 1.645·√((1 + 2·Σ_{k&lt;m} r_k²) / n) for a series of at least 3m values.</summary>
    public static bool IsSeasonal(ReadOnlySpan<float> x, int m)
    {
        int n = x.Length;
        if (n < 3 * m) return false;
        double mean = 0;
        foreach (float v in x) mean += v;
        mean /= n;
        double denominator = 0;
        foreach (float v in x) denominator += (v - mean) * (v - mean);
        double squares = 0, rm = 0;
        for (int k = 1; k <= m; k++)
        {
            double c = 0;
            for (int t = 0; t + k < n; t++) c += (x[t] - mean) * (x[t + k] - mean);
            double r = c / denominator;
            if (k < m) squares += r * r;
            else rm = r;
        }
        return Math.Abs(rm) > 1.645 / Math.Sqrt(n) * Math.Sqrt(1 + 2 * squares);
    }

    /// <summary>The seasonal index of every position of the series: the ratio of the series to its centred moving average
    /// (2×m for even m), averaged per position in the season, normalised to mean 1 (classical decomposition).</summary>
    public static double[] SeasonalIndices(ReadOnlySpan<float> x, int m)
    {
        int n = x.Length;
        var ratioSum = new double[m];
        var ratioCount = new int[m];
        int half = m / 2;
        for (int t = half; t + half < n; t++)
        {
            double trend;
            if (m % 2 == 0)
            {
                if (t + half >= n) break;
                double s = 0.5 * (x[t - half] + x[t + half]);
                for (int j = t - half + 1; j < t + half; j++) s += x[j];
                trend = s / m;
            }
            else
            {
                double s = 0;
                for (int j = t - half; j <= t + half; j++) s += x[j];
                trend = s / m;
            }
            ratioSum[t % m] += x[t] / trend;
            ratioCount[t % m]++;
        }
        var figure = new double[m];
        for (int i = 0; i < m; i++) figure[i] = ratioSum[i] / ratioCount[i];
        double average = figure.Average();
        var indices = new double[n];
        for (int t = 0; t < n; t++) indices[t] = figure[t % m] / average;
        return indices;
    }
}
