namespace LstmMlNet.Data;

/// <summary>
/// Finds the season length of series from the autocorrelation of their first differences (differencing removes the
/// trend that otherwise makes every lag look correlated). The ACF of each series' differences is computed up to a
/// maximum lag and averaged over the series (a lag counts only in series at least three lags long). A lag k ≥ 2 is a
/// candidate when its average ACF r_k is a local maximum, at least <see cref="MinimumCorrelation"/>, and above the
/// Bartlett bound z·√((1 + 2·Σ_{j&lt;k} r_j²) / n) of M4's seasonality test with z = <see cref="Significance"/> rather
/// than M4's 1.645, since every lag is tested (n the median length); it is then moved to the neighbour (k ± 1) whose
/// first three multiples have the highest mean ACF, which tells the period from a lag next to it. Of the candidates the
/// one with the highest such mean wins, unless a lag that (within one step) divides it has at least
/// <see cref="FundamentalShare"/> of that mean (then the smallest such lag: 24 rather than 168 for hourly data with a
/// weekly rhythm). No candidate: 1 (not seasonal).
/// </summary>
internal static class SeasonalityDetector
{
    /// <summary>Share of the best ACF a divisor lag needs to be preferred as the fundamental period.</summary>
    public const double FundamentalShare = 0.8;

    /// <summary>The detected period (≥ 2), or 1 when no lag up to <paramref name="maxLag"/> is significant.</summary>
    public static int Detect(IReadOnlyList<float[]> series, int maxLag) => Detect(series, maxLag, out _);

    /// <summary>The detected period (≥ 2), or 1 when no lag up to <paramref name="maxLag"/> is significant;
    /// <paramref name="candidates"/> are all the significant periods found (ascending; empty when none), among them the
    /// longer rhythms the detected period is a fundamental of (168 beside 24 for hourly data with a weekly rhythm).</summary>
    public static int Detect(IReadOnlyList<float[]> series, int maxLag, out IReadOnlyList<int> candidates)
    {
        candidates = Array.Empty<int>();
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0 || maxLag < 2) return 1;
        var sum = new double[maxLag + 1];
        var count = new int[maxLag + 1];
        var lengths = new List<int>();
        foreach (float[] values in series)
        {
            int n = values.Length - 1;
            if (n < 6) continue;
            lengths.Add(n);
            var d = new double[n];
            double mean = 0;
            for (int t = 0; t < n; t++) { d[t] = values[t + 1] - values[t]; mean += d[t]; }
            mean /= n;
            double variance = 0;
            for (int t = 0; t < n; t++) { d[t] -= mean; variance += d[t] * d[t]; }
            if (variance <= 0) continue;
            int lags = Math.Min(maxLag, n / 3);
            for (int k = 1; k <= lags; k++)
            {
                double c = 0;
                for (int t = k; t < n; t++) c += d[t] * d[t - k];
                sum[k] += c / variance;
                count[k]++;
            }
        }
        if (lengths.Count == 0) return 1;
        lengths.Sort();
        double median = lengths[lengths.Count / 2];
        int last = 0;
        var r = new double[maxLag + 2];
        for (int k = 1; k <= maxLag && count[k] > 0; k++) { r[k] = sum[k] / count[k]; last = k; }

        // Candidates: significant local maxima, each moved to the neighbouring lag (±1) whose harmonics agree best.
        var found = new SortedSet<int>();
        double squares = 0;
        for (int k = 1; k <= last; k++)
        {
            double bound = Significance * Math.Sqrt((1 + 2 * squares) / median);
            squares += r[k] * r[k];
            if (k < 2 || k == last) continue;
            if (r[k] > r[k - 1] && r[k] >= r[k + 1] && r[k] > bound && r[k] > MinimumCorrelation)
            {
                int refined = Enumerable.Range(k - 1, 3).Where(j => j >= 2 && j <= last).MaxBy(j => Harmonics(r, j, last));
                found.Add(refined);
            }
        }
        candidates = found.ToArray();
        if (found.Count == 0) return 1;
        int best = found.MaxBy(k => Harmonics(r, k, last));
        double top = Harmonics(r, best, last);
        foreach (int k in found) // ascending: the smallest near-divisor with most of the best's strength
        {
            if (k >= best) break;
            if (IsNearMultiple(best, k) && Harmonics(r, k, last) >= FundamentalShare * top) return k;
        }
        return best;
    }

    /// <summary>Whether <paramref name="longer"/> is a whole number (≥ 2) of <paramref name="period"/>s within one step
    /// (candidates are refined by ±1, so 167 and 169 count as 7 × 24).</summary>
    public static bool IsNearMultiple(int longer, int period)
    {
        int remainder = longer % period;
        return longer >= 2 * period - 1 && (remainder <= 1 || period - remainder <= 1);
    }

    /// <summary>One-sided normal quantile of the significance bound (99.5%: many lags are tested at once).</summary>
    public const double Significance = 2.576;

    /// <summary>Smallest average autocorrelation a season may have.</summary>
    public const double MinimumCorrelation = 0.1;

    /// <summary>Mean autocorrelation at the first (up to three) multiples of a lag: the true period has all of them
    /// high, a lag one off it loses more at each multiple.</summary>
    private static double Harmonics(double[] r, int k, int last)
    {
        double total = 0;
        int n = 0;
        for (int j = 1; j <= 3 && j * k <= last; j++) { total += r[j * k]; n++; }
        return total / n;
    }
}
