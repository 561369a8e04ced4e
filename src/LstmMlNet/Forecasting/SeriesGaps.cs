using System.Globalization;

namespace LstmMlNet.Forecasting;

/// <summary>Gaps in time (<see cref="ForecastGapFill"/>): the step of a set of series, the check that every row falls a
/// whole number of steps after the one before it, and the filling of the missing steps. One rule for the series reader
/// (Fit, Transform, the backtest, the comparison) and the forecast engine's <c>Update</c>.</summary>
internal static class SeriesGaps
{
    /// <summary>The model's step in ticks: the most common difference between consecutive rows over all series (a tie goes
    /// to the shorter), a day when no series has two rows; the rule of the estimator's calendar resolution, which filling
    /// cannot change (it adds only differences of one step).</summary>
    public static long MostCommonStep(IReadOnlyList<Series> series)
    {
        var counts = new Dictionary<long, int>();
        foreach (Series s in series)
        {
            long[] times = s.Timestamps;
            for (int t = 1; t < times.Length; t++) counts[times[t] - times[t - 1]] = counts.GetValueOrDefault(times[t] - times[t - 1]) + 1;
        }
        return counts.Count == 0 ? TimeSpan.TicksPerDay : counts.OrderByDescending(g => g.Value).ThenBy(g => g.Key).First().Key;
    }

    /// <summary>The season P (in steps) of <see cref="ForecastGapFill.SeasonalValue"/>: <paramref name="seasonality"/> when
    /// declared (≥ 2), else the calendar's season of the step (a day of steps for a step that divides a day, 7 for a day, 12
    /// for a calendar month), else 0 (none).</summary>
    public static int FillSeason(int seasonality, long stepTicks)
    {
        if (seasonality >= 2) return seasonality;
        if (stepTicks <= 0) return 0;
        TimeStep step = TimeStep.Of(stepTicks);
        if (step.Months == 1) return 12;
        if (step.Months > 0) return step.Months == 3 ? 4 : 0;
        if (stepTicks < TimeSpan.TicksPerDay && TimeSpan.TicksPerDay % stepTicks == 0) return (int)(TimeSpan.TicksPerDay / stepTicks);
        return stepTicks == TimeSpan.TicksPerDay ? 7 : 0;
    }

    /// <summary>Most rows the filling may add to a series, as a multiple of its observed rows: more means times far apart
    /// (a wrong year, a mixed-up unit) rather than gaps, and would fill memory.</summary>
    public const int MaximumFillRatio = 10;

    /// <summary>Checks the times of <paramref name="series"/> (read with a timestamp column, each increasing) against the
    /// step — <paramref name="stepTicks"/>, the model's, or when 0 the most common difference — and fills their gaps with
    /// <see cref="LstmForecastingOptions.GapFill"/>, or throws naming the first gap.</summary>
    /// <exception cref="InvalidOperationException">A difference between consecutive rows is not a whole number of steps; a
    /// gap with <see cref="ForecastGapFill.Error"/>; a seasonal fill without a season; gaps more than
    /// <see cref="MaximumFillRatio"/> times the observed rows.</exception>
    public static List<Series> Regularize(List<Series> series, LstmForecastingOptions o, long stepTicks)
    {
        if (o.TimestampColumnName is not { } column) return series;
        bool modelStep = stepTicks > 0;
        if (!modelStep) stepTicks = MostCommonStep(series);
        TimeStep step = TimeStep.Of(stepTicks);
        string stepWhat = $"{step} ({(modelStep ? "the model's step" : "the most common difference between consecutive rows")})";
        var result = new List<Series>(series.Count);
        foreach (Series s in series)
        {
            long[] times = s.Timestamps;
            var counts = new long[times.Length]; // steps from the row before (0 for the first row)
            long missing = 0, gaps = 0;
            int first = -1; // the row after the first gap
            for (int t = 1; t < times.Length; t++)
            {
                long? k = step.Between(times[t - 1], times[t]);
                if (k is not long whole)
                {
                    throw new InvalidOperationException(
                        $"The timestamp column '{column}' of series {SeriesTable.Describe(s)} is {Time(times[t])} at {Row(s, t)}, " +
                        $"{TimeSpan.FromTicks(times[t] - times[t - 1])} after the row before it ({Time(times[t - 1])}, {Row(s, t - 1)}): not a whole number of steps of {stepWhat}. " +
                        "Each row must fall a whole number of steps after the one before it (fix or resample the times).");
                }
                counts[t] = whole;
                if (whole >= 2)
                {
                    missing += whole - 1;
                    gaps++;
                    if (first < 0) first = t;
                }
            }
            if (missing == 0)
            {
                result.Add(s);
                continue;
            }
            string summary = FormattableString.Invariant($"the series misses {missing} step{(missing == 1 ? "" : "s")} of {stepWhat} in {gaps} gap{(gaps == 1 ? "" : "s")}");
            if (o.GapFill == ForecastGapFill.Error)
            {
                throw new InvalidOperationException(
                    $"Series {SeriesTable.Describe(s)} has a gap in time in the timestamp column '{column}': {Time(step.After(times[first - 1], 1))} is missing " +
                    $"(the first of {counts[first] - 1} missing between {Row(s, first - 1)} at {Time(times[first - 1])} and {Row(s, first)} at {Time(times[first])}); {summary}. " +
                    "Set GapFill (PreviousValue, LinearInterpolation or SeasonalValue) to fill gaps, or add the missing rows.");
            }
            if (missing > (long)MaximumFillRatio * s.Length)
            {
                throw new InvalidOperationException(
                    $"Series {SeriesTable.Describe(s)}: {summary}, more than {MaximumFillRatio} times its {s.Length} rows; the first gap is after {Row(s, first - 1)} at {Time(times[first - 1])} " +
                    $"(next row {Time(times[first])}). Check the timestamp column '{column}' (a wrong date or unit?) before filling.");
            }
            int season = FillSeason(o.Seasonality, stepTicks);
            if (o.GapFill == ForecastGapFill.SeasonalValue && season == 0)
            {
                throw new InvalidOperationException(
                    $"GapFill SeasonalValue needs a season to fill series {SeriesTable.Describe(s)} ({summary}; the first missing time is {Time(step.After(times[first - 1], 1))}): " +
                    $"the step {step} has no calendar season; declare Seasonality (≥ 2 steps) or choose PreviousValue or LinearInterpolation.");
            }
            result.Add(Fill(s, counts, missing, o.GapFill, step, season, o.CovariateColumnNames.Length, o.PastCovariateColumnNames.Length));
        }
        return result;
    }

    /// <summary><paramref name="s"/> with the <paramref name="missing"/> steps of its gaps filled (<paramref name="counts"/>:
    /// the steps from each row's predecessor).</summary>
    private static Series Fill(Series s, long[] counts, long missing, ForecastGapFill method, TimeStep step, int season, int c, int cp)
    {
        int n = s.Length + (int)missing;
        var values = new float[n];
        var covariates = new float[n * c];
        var past = new float[n * cp];
        var rows = new long[n];
        var times = new long[n];
        var filled = new bool[n];
        int p = 0;
        void Copy(int row) // observed row `row` of s to position p
        {
            values[p] = s.Values[row];
            Array.Copy(s.Covariates, row * c, covariates, p * c, c);
            Array.Copy(s.PastCovariates, row * cp, past, p * cp, cp);
            rows[p] = s.Rows[row];
            times[p] = s.Timestamps[row];
            p++;
        }
        Copy(0);
        for (int t = 1; t < s.Length; t++)
        {
            long k = counts[t];
            for (long j = 1; j < k; j++)
            {
                int from = Source(method, p, season);
                if (from >= 0)
                {
                    values[p] = values[from];
                    Array.Copy(covariates, from * c, covariates, p * c, c);
                    Array.Copy(past, from * cp, past, p * cp, cp);
                }
                else
                {
                    values[p] = Lerp(s.Values[t - 1], s.Values[t], j, k);
                    Lerp(s.Covariates.AsSpan((t - 1) * c, c), s.Covariates.AsSpan(t * c, c), j, k, covariates.AsSpan(p * c, c));
                    Lerp(s.PastCovariates.AsSpan((t - 1) * cp, cp), s.PastCovariates.AsSpan(t * cp, cp), j, k, past.AsSpan(p * cp, cp));
                }
                rows[p] = -1;
                times[p] = step.After(s.Timestamps[t - 1], j);
                filled[p] = true;
                p++;
            }
            Copy(t);
        }
        return new Series(s.Id, values, covariates, rows, past, times) { Filled = filled };
    }

    /// <summary>The position whose row a step filled at <paramref name="position"/> copies: the one before it
    /// (PreviousValue), the one a season before it when it exists (SeasonalValue), or −1: interpolate between the rows
    /// around the gap. The one rule of the reader and of the forecast engine's <c>Update</c> (whose window holds the
    /// positions before the step).</summary>
    public static int Source(ForecastGapFill method, int position, int season) => method switch
    {
        ForecastGapFill.PreviousValue => position - 1,
        ForecastGapFill.SeasonalValue when position - season >= 0 => position - season,
        _ => -1,
    };

    /// <summary>a + (b − a)·j/k, in double.</summary>
    public static float Lerp(float a, float b, long j, long k) => (float)(a + (b - (double)a) * j / k);

    /// <summary><see cref="Lerp(float, float, long, long)"/> of each value of <paramref name="a"/> and <paramref name="b"/>
    /// into <paramref name="into"/>.</summary>
    public static void Lerp(ReadOnlySpan<float> a, ReadOnlySpan<float> b, long j, long k, Span<float> into)
    {
        for (int q = 0; q < into.Length; q++) into[q] = Lerp(a[q], b[q], j, k);
    }

    internal static string Time(long ticks) => new DateTime(ticks).ToString("O", CultureInfo.InvariantCulture);

    private static string Row(Series s, int t) => $"row {s.Rows[t]}";

    /// <summary>A step: a fixed number of ticks, or whole calendar months (1, 3 or 12) when the tick step is 28–31, 89–92 or
    /// 365–366 days (months, quarters and years differ in length).</summary>
    internal readonly record struct TimeStep(long Ticks, int Months)
    {
        public static TimeStep Of(long ticks)
        {
            double days = (double)ticks / TimeSpan.TicksPerDay;
            int months = days is >= 28 and <= 31 ? 1 : days is >= 89 and <= 92 ? 3 : days is >= 365 and <= 366 ? 12 : 0;
            return new TimeStep(ticks, months);
        }

        /// <summary>The whole number of steps from <paramref name="from"/> to <paramref name="to"/> (&gt; from), or null when
        /// the difference is not a whole number of steps (for calendar steps: of whole months, the day of the month
        /// aside).</summary>
        public long? Between(long from, long to)
        {
            if (Months > 0)
            {
                DateTime a = new(from), b = new(to);
                long months = (b.Year - a.Year) * 12L + b.Month - a.Month;
                return months > 0 && months % Months == 0 ? months / Months : null;
            }
            long difference = to - from;
            return difference > 0 && difference % Ticks == 0 ? difference / Ticks : null;
        }

        /// <summary>The time <paramref name="k"/> steps after <paramref name="from"/>.</summary>
        public long After(long from, long k) => Months > 0 ? new DateTime(from).AddMonths(checked((int)(k * Months))).Ticks : from + k * Ticks;

        public override string ToString() => Months switch
        {
            1 => "a calendar month",
            3 => "a calendar quarter",
            12 => "a calendar year",
            _ => TimeSpan.FromTicks(Ticks).ToString("c", CultureInfo.InvariantCulture),
        };
    }
}
