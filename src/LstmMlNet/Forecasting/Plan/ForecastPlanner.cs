using System.Globalization;
using LstmMlNet.Data;
using Microsoft.ML.Runtime;

namespace LstmMlNet.Forecasting;

/// <summary>
/// Makes the <see cref="ForecastPlan"/> of a Fit: every automatic option resolved from the training part of the series
/// (the observations before each series' validation tail), each decision logged through ML.NET's channel. The order is
/// the dependency order: tails → levels → season → window → the series' lengths checked → baseline → seasonal inputs →
/// calendar and step → scaling statistics → the training schedule.
/// </summary>
internal static class ForecastPlanner
{
    /// <summary>Longest season the detector looks for, in steps.</summary>
    public const int MaximumDetectedSeason = 400;

    /// <summary>The plan of a Fit of <paramref name="request"/> (validated) on <paramref name="series"/>.</summary>
    public static ForecastPlan Plan(LstmForecastingOptions request, IReadOnlyList<Series> series, int seed, IChannel log)
    {
        int h = request.Horizon;
        (request, int[] tails, float[][] levels, int season, int w) = Resolve(request, series, log);
        for (int i = 0; i < series.Count; i++)
        {
            int needed = w + h + tails[i];
            if (series[i].Length < needed)
            {
                throw new InvalidOperationException(
                    $"Series {SeriesTable.Describe(series[i])} has {series[i].Length} observations; window {w} + horizon {h} + validation tail {tails[i]} need at least {needed}. " +
                    "Use a shorter window, horizon or ValidationTailLength, or more data." + TailCause(request, series[i].Length));
            }
        }
        bool seasonalBaseline = SeasonalBaseline(request, levels, season, w, log);
        int seasonalLags = request.SeasonalInputs && season >= 2 && request.TargetTransform != ForecastTargetTransform.Difference
            ? Math.Min(w / season, LstmForecastingOptions.MaximumSeasonalInputs) : 0;
        var (calendar, step) = Calendar(request, series, tails, log);
        ForecastLayout layout = Statistics(new ForecastLayout(w, h, request.CovariateColumnNames.Length, request.TargetTransform, Scaling(request), 0, 1,
            Array.Empty<float>(), Array.Empty<float>(), season, seasonalBaseline, seasonalLags, request.IntervalScale, request.PastCovariateColumnNames.Length,
            calendar, step), series, tails);
        return new ForecastPlan(request, layout, tails, Schedule(request, layout, series, tails, log), seed);
    }

    /// <summary>The season and window a Fit of <paramref name="request"/> (validated) on <paramref name="series"/> resolves,
    /// each logged as that Fit logs it: the first steps of <see cref="Plan"/> (tails → levels → season → window), for a
    /// caller that gives other forecasters the same W and season (a comparison's baselines).</summary>
    public static (int Season, int Window) SeasonAndWindow(LstmForecastingOptions request, IReadOnlyList<Series> series, IChannel log)
    {
        var (_, _, _, season, w) = Resolve(request, series, log);
        return (season, w);
    }

    /// <summary>The request with its target transform resolved (<see cref="Transform"/>), the validation tails, the levels ℓ
    /// of every series' training part (computed once for the season and the baseline), the season and the window.</summary>
    private static (LstmForecastingOptions Request, int[] Tails, float[][] Levels, int Season, int Window) Resolve(LstmForecastingOptions request, IReadOnlyList<Series> series, IChannel log)
    {
        if (series.Count == 0) throw new InvalidOperationException($"The training data has no rows (series column '{request.InputColumnName}').");
        int h = request.Horizon;
        int[] tails = series.Select(s => TailLength(request, s.Length)).ToArray();
        if (tails.Min() < h)
            throw new InvalidOperationException($"ValidationTailLength {tails.Min()} is shorter than the horizon {h}: no validation window would be complete.");
        float[][] Levels(ForecastTargetTransform transform) => series.Select((s, i) =>
        {
            var l = new float[Math.Max(0, s.Length - tails[i])];
            for (int t = 0; t < l.Length; t++) l[t] = ForecastLayout.Level(transform, s.Values[t]);
            return l;
        }).ToArray();
        float[][]? raw = null;
        if (request.TargetTransform == ForecastTargetTransform.Automatic)
        {
            raw = Levels(ForecastTargetTransform.None);
            request = Transform(request, raw, log);
        }
        float[][] levels = raw is not null && request.TargetTransform == ForecastTargetTransform.None ? raw : Levels(request.TargetTransform);
        int season = Season(request, levels, log);
        return (request, tails, levels, season, Window(request, levels, season, log));
    }

    /// <summary>A copy of <paramref name="request"/> whose automatic target transform is resolved by
    /// <see cref="TransformChooser"/> on the untransformed training parts <paramref name="raw"/>, with the declared season
    /// or the one detected on them; the choice is logged. The season the model then uses is detected again on the chosen
    /// levels, as for a requested transform, so an automatic Log1p fits exactly as a requested one.</summary>
    private static LstmForecastingOptions Transform(LstmForecastingOptions request, float[][] raw, IChannel log)
    {
        LstmForecastingOptions resolved = request.Clone();
        resolved.TargetTransform = ForecastTargetTransform.None;
        if (HasCovariates(request))
        {
            // Their automatic window-mean scale already makes the covariates' effect proportional to the level, and Log1p
            // on top measured worse (bike hourly with weather, h 24: MAE 43.22 / MSE 5,002 against 41.92 / 4,311).
            log.Info(MessageSensitivity.None, "ForecastByLstm: target transform None (a model with covariates; set TargetTransform to override)");
            return resolved;
        }
        int season = request.Seasonality > 0 ? request.Seasonality
            : SeasonalityDetector.Detect(raw, Math.Min(MaximumDetectedSeason, raw.Min(l => l.Length) / 3));
        TransformChooser.Choice choice = TransformChooser.Choose(raw, season);
        resolved.TargetTransform = choice.Transform;
        log.Info(MessageSensitivity.None, choice.Reason is not null
            ? $"ForecastByLstm: target transform None ({choice.Reason}; set TargetTransform to override)"
            : FormattableString.Invariant($"ForecastByLstm: target transform {choice.Transform}: the spread within blocks of {Math.Max(2, season)} steps varies {choice.LogVariation:G3} (coefficient of variation, mean of {choice.Series} series) relative to 1 + the level against {choice.PlainVariation:G3} unscaled (set TargetTransform to override)"));
        return resolved;
    }

    /// <summary>The validation tail of a series of <paramref name="length"/> observations: the given
    /// <see cref="LstmForecastingOptions.ValidationTailLength"/>, or 20% of the series and at least enough calibration
    /// windows for the confidence level, h + ⌈1/(1 − level)⌉ − 1.</summary>
    public static int TailLength(LstmForecastingOptions o, int length) => o.ValidationTailLength > 0
        ? o.ValidationTailLength
        : Math.Max((int)Math.Ceiling(0.2 * length), o.Horizon + (int)Math.Ceiling(1.0 / (1.0 - o.ConfidenceLevel)) - 1);

    /// <summary>Why the automatic tail is longer than 20% of a series, for an error message (empty when it is not).</summary>
    public static string TailCause(LstmForecastingOptions o, int length) =>
        o.ValidationTailLength == 0 && TailLength(o, length) > (int)Math.Ceiling(0.2 * length)
            ? FormattableString.Invariant($" The automatic tail is set by ConfidenceLevel {o.ConfidenceLevel}: h + ⌈1/(1 − ConfidenceLevel)⌉ − 1 = {TailLength(o, length)} observations (enough calibration windows for that coverage); lower ConfidenceLevel or set ValidationTailLength.")
            : string.Empty;

    /// <summary>The automatic window (<see cref="LstmForecastingOptions.WindowSize"/> 0): with a season P ≥ 2, whole
    /// seasons covering the horizon plus one (at least two), else max(2h, 16); with data of at least
    /// <see cref="LongWindowMinimumWindows"/> training windows at that window (<paramref name="trainingWindows"/>: a panel), whole
    /// seasons covering <see cref="LongWindowHorizons"/> horizons if that is longer (without a season 4h); at most a third
    /// of the shortest training part.</summary>
    public static int AutomaticWindow(int period, int horizon, int shortestTraining, long trainingWindows = 0)
    {
        int cap = Math.Max(2, shortestTraining / 3);
        int wanted = StandardWindow(period, horizon);
        if (trainingWindows >= LongWindowMinimumWindows) wanted = Math.Max(wanted, LongWindow(period, horizon));
        return Math.Min(wanted, cap);
    }

    /// <summary>The window of <see cref="AutomaticWindow"/> before the panel rule and the cap.</summary>
    private static int StandardWindow(int period, int horizon) =>
        period >= 2 ? period * Math.Max(2, (horizon + period - 1) / period + 1) : Math.Max(2 * horizon, 16);

    /// <summary>Whole seasons covering <see cref="LongWindowHorizons"/> horizons (without a season, that many horizons).</summary>
    private static int LongWindow(int period, int horizon)
    {
        int span = LongWindowHorizons * horizon;
        return period >= 2 ? period * ((span + period - 1) / period) : span;
    }

    /// <summary>Training windows (at the standard window, summed over the series) from which the automatic window reads
    /// <see cref="LongWindowHorizons"/> horizons: 50,000. Measured on two sides of it: M4 hourly (414 series, 233,534
    /// windows at W 72) forecast far better with the longer window (W 72 → 120 → 186 or 192: OWA 0.502 → 0.450 → 0.409 / 0.427),
    /// while one long hourly series (bike sharing's first 8,640 hours, about 6,800 windows; the whole series gives 13,832) forecast
    /// worse with it (W 48 → 120 → 192: MAE 50.7 → 55.2 → 53.2): with one series the longer input overfits the few distinct contexts. The threshold sits between,
    /// at a round figure; it is not tuned to either.</summary>
    public const long LongWindowMinimumWindows = 50_000;

    /// <summary>Horizons a panel's automatic window covers: 4 (N-BEATS's lookbacks span 2–7 horizons; M4 hourly's
    /// h 48 gives 192 = 8 days, capped by its shortest series at 186).</summary>
    public const int LongWindowHorizons = 4;

    /// <summary>Training windows of every series' training part at window <paramref name="w"/> and horizon <paramref name="h"/>.</summary>
    private static long TrainingWindows(float[][] levels, int w, int h) => levels.Sum(l => (long)Math.Max(0, l.Length - w - h + 1));

    /// <summary>The scaling: the requested one, or for Automatic WindowMean with covariates and SeasonalChange without.</summary>
    public static ForecastScaling Scaling(LstmForecastingOptions o) => o.Scaling != ForecastScaling.Automatic ? o.Scaling
        : HasCovariates(o) ? ForecastScaling.WindowMean : ForecastScaling.SeasonalChange;

    private static bool HasCovariates(LstmForecastingOptions o) => o.CovariateColumnNames.Length > 0 || o.PastCovariateColumnNames.Length > 0;

    /// <summary>The epochs of a fit on <paramref name="windows"/> training windows: the requested epochs, raised until the
    /// fit makes at least <see cref="LstmForecastingOptions.MinimumOptimizerSteps"/> optimiser steps.</summary>
    public static int Epochs(LstmForecastingOptions o, int windows)
    {
        if (o.WindowsPerEpoch > 0) windows = Math.Min(windows, o.WindowsPerEpoch);
        int perEpoch = Math.Max(1, (windows + o.BatchSize - 1) / o.BatchSize);
        return Math.Max(o.Epochs, (o.MinimumOptimizerSteps + perEpoch - 1) / perEpoch);
    }

    /// <summary>The training loop's schedule: epochs for the number of training windows (<see cref="Epochs"/>), the
    /// per-epoch draw of windows, and the covariate weight decay when the model has covariates.</summary>
    private static TrainingOptions Schedule(LstmForecastingOptions o, ForecastLayout layout, IReadOnlyList<Series> series, int[] tails, IChannel log)
    {
        int windows = ForecastWindows.Ends(layout, series, tails).Count(x => x.Part == ForecastWindows.Part.Training); // the windows Fit trains on
        int epochs = Epochs(o, windows);
        if (epochs > o.Epochs)
            log.Info(MessageSensitivity.None, $"ForecastByLstm: {epochs} epochs instead of {o.Epochs}, for at least {o.MinimumOptimizerSteps} optimiser steps over {windows} windows");
        if (o.WindowsPerEpoch > 0 && windows > o.WindowsPerEpoch)
            log.Info(MessageSensitivity.None, $"ForecastByLstm: each epoch trains on {o.WindowsPerEpoch} of the {windows} training windows (a fresh uniform draw per epoch)");
        double decay = HasCovariates(o) && o.CovariateWeightDecay is double covariateDecay ? covariateDecay : o.WeightDecay;
        bool best = SelectsBestEpoch(o, tails, log);
        return o.ForLoop(epochs: epochs, rowsPerEpoch: o.WindowsPerEpoch, weightDecay: decay, earlyStoppingPatience: best ? o.EarlyStoppingPatience : 0,
            restoreBestWeights: best, restoreMargin: best ? RestoreMargin : 0);
    }

    /// <summary>The relative margin by which the best epoch's validation loss must beat the last epoch's to be restored
    /// (2%): M4 hourly's best epoch (56 of 60) won by noise and forecast worse on the test (OWA 0.550 against 0.538), while
    /// the held-out hourly series of issue 29 ended 10–15% above their minimum (figures from that issue, not measured here).</summary>
    public const double RestoreMargin = 0.02;

    /// <summary>Whether the fit keeps its best validation epoch (<see cref="LstmForecastingOptions.ModelSelection"/>):
    /// Automatic does when the tails hold at least <see cref="LstmForecastingOptions.SelectionHorizons"/> non-overlapping
    /// horizons, Σ tail / h over the series.</summary>
    public static bool SelectsBestEpoch(LstmForecastingOptions o, int[] tails, IChannel? log)
    {
        double horizons = tails.Sum(t => (double)t) / o.Horizon;
        bool best = o.ModelSelection == ForecastModelSelection.BestEpoch
            || (o.ModelSelection == ForecastModelSelection.Automatic && horizons >= LstmForecastingOptions.SelectionHorizons);
        log?.Info(MessageSensitivity.None, FormattableString.Invariant($"ForecastByLstm: model selection {o.ModelSelection}: ") + (best
            ? FormattableString.Invariant($"the best validation epoch, stopping after {o.EarlyStoppingPatience} epochs without a lower loss (the tails hold {horizons:F1} horizons)")
            : FormattableString.Invariant($"the last epoch (the tails hold {horizons:F1} horizons; Automatic chooses an epoch from {LstmForecastingOptions.SelectionHorizons})")));
        return best;
    }

    /// <summary>The declared season, or the one detected on the training levels of the series (1 = none).</summary>
    private static int Season(LstmForecastingOptions o, float[][] levels, IChannel log)
    {
        if (o.Seasonality > 0) return o.Seasonality;
        int shortest = levels.Min(l => l.Length);
        int period = SeasonalityDetector.Detect(levels, Math.Min(MaximumDetectedSeason, shortest / 3), out IReadOnlyList<int> candidates);
        log.Info(MessageSensitivity.None, period >= 2
            ? $"ForecastByLstm: detected a season of {period} steps (set Seasonality to override)"
            : "ForecastByLstm: no season detected (set Seasonality to declare one)");
        // A horizon that spans a longer significant rhythm made of whole detected seasons (hourly data: 168 = 7 × 24, at
        // h ≥ 168): each future step's value one long season earlier is in the data, where repeating the last short season
        // over the whole horizon ignores the long rhythm. Of the detected season and such longer ones, the one whose
        // seasonal naive forecast has the lowest h-step error on the training levels is the season. Shorter horizons keep
        // the detected season: fresher values, and windows a fraction of the length.
        int[] longer = period >= 2
            ? candidates.Where(c => c > period && c <= o.Horizon && SeasonalityDetector.IsNearMultiple(c, period) && (o.WindowSize == 0 || o.WindowSize >= c)).ToArray()
            : Array.Empty<int>();
        if (longer.Length == 0) return period;
        int first = longer.Max();
        long origins = levels.Sum(y => (long)Math.Max(0, y.Length - o.Horizon - first + 1)) * o.Horizon;
        var errors = longer.Prepend(period).Select(p => (Period: p, Error: HStepErrors(levels, p, first, o.Horizon).Seasonal / Math.Max(1, origins))).ToArray();
        int chosen = errors.MinBy(e => e.Error).Period;
        log.Info(MessageSensitivity.None, FormattableString.Invariant(
            $"ForecastByLstm: season {chosen} for horizon {o.Horizon}: training-part h-step errors {string.Join(", ", errors.Select(e => $"seasonal naive {e.Period} {e.Error:G4}"))}"));
        return chosen;
    }

    /// <summary>Total absolute h-step errors of the seasonal naive forecast of <paramref name="period"/> and of the last
    /// value over every origin from <paramref name="first"/> (≥ period) of the training levels; the same origins for
    /// every period compared.</summary>
    private static (double Seasonal, double LastValue) HStepErrors(float[][] levels, int period, int first, int h)
    {
        double seasonal = 0, naive = 0;
        foreach (float[] y in levels)
        {
            for (int origin = first; origin + h <= y.Length; origin++)
            {
                float last = y[origin - 1];
                for (int k = 0; k < h; k++)
                {
                    naive += Math.Abs(y[origin + k] - last);
                    seasonal += Math.Abs(y[origin + k] - y[origin - period + k % period]);
                }
            }
        }
        return (seasonal, naive);
    }

    /// <summary>The given window, or the automatic one (<see cref="AutomaticWindow"/>).</summary>
    private static int Window(LstmForecastingOptions o, float[][] levels, int period, IChannel log)
    {
        if (o.WindowSize > 0) return o.WindowSize;
        int shortest = levels.Min(l => l.Length);
        int standard = AutomaticWindow(period, o.Horizon, shortest);
        long windows = TrainingWindows(levels, standard, o.Horizon);
        int w = AutomaticWindow(period, o.Horizon, shortest, windows);
        log.Info(MessageSensitivity.None, w == standard
            ? FormattableString.Invariant($"ForecastByLstm: window {w} (automatic: season {period}, horizon {o.Horizon}, shortest training part {shortest}, {windows} training windows)")
            : FormattableString.Invariant($"ForecastByLstm: window {w} (automatic: {windows} training windows, at least {LongWindowMinimumWindows}, so {LongWindowHorizons} horizons of {o.Horizon} in whole seasons of {period}, at most a third of the shortest training part {shortest}; {standard} with less data)"));
        return w;
    }

    /// <summary>Whether the network corrects the seasonal naive forecast rather than the last value
    /// (<see cref="ForecastBaseline"/>); Automatic compares their h-step errors over every origin of the training levels.</summary>
    private static bool SeasonalBaseline(LstmForecastingOptions o, float[][] levels, int period, int w, IChannel log)
    {
        if (o.Baseline == ForecastBaseline.LastValue || period < 2 || period > w || o.TargetTransform == ForecastTargetTransform.Difference) return false;
        if (o.Baseline == ForecastBaseline.SeasonalNaive) return true;
        var (seasonal, naive) = HStepErrors(levels, period, period, o.Horizon);
        bool useSeasonal = seasonal < naive;
        log.Info(MessageSensitivity.None, $"ForecastByLstm: baseline {(useSeasonal ? $"seasonal naive (period {period})" : "last value")}: " +
            $"training-part h-step errors seasonal naive {seasonal:G4} vs last value {naive:G4} (set Baseline to choose)");
        return useSeasonal;
    }

    /// <summary>The calendar inputs (declared, or chosen from the step and the span of the training rows) and the model's
    /// step in ticks (the most common gap between consecutive rows of the series; 0 without a timestamp column).</summary>
    private static (CalendarFeatures Calendar, long Step) Calendar(LstmForecastingOptions o, IReadOnlyList<Series> series, int[] tails, IChannel log)
    {
        if (o.TimestampColumnName is null) return (CalendarFeatures.None, 0);
        long span = 0;
        for (int i = 0; i < series.Count; i++)
        {
            long[] times = series[i].Timestamps;
            int trainEnd = series[i].Length - tails[i];
            if (trainEnd >= 2) span = Math.Max(span, times[trainEnd - 1] - times[0]);
        }
        long step = SeriesGaps.MostCommonStep(series); // the rule the reader filled gaps with
        CalendarFeatures calendar = o.CalendarFeatures ?? CalendarArithmetic.Automatic(TimeSpan.FromTicks(step), TimeSpan.FromTicks(span));
        log.Info(MessageSensitivity.None, $"ForecastByLstm: calendar inputs {calendar} from '{o.TimestampColumnName}' (step {TimeSpan.FromTicks(step)}, training span {TimeSpan.FromTicks(span).TotalDays.ToString("F0", CultureInfo.InvariantCulture)} days{(o.CalendarFeatures is null ? "; automatic, set CalendarFeatures to choose" : string.Empty)})");
        return (calendar, step);
    }

    /// <summary><paramref name="layout"/> with the standard-scaling and covariate statistics of the training part of every
    /// series (the tails excluded): mean and deviation of the network series u and of each covariate column.</summary>
    private static ForecastLayout Statistics(ForecastLayout layout, IReadOnlyList<Series> series, int[] tails)
    {
        int c = layout.Covariates, cp = layout.PastCovariates, all = c + cp;
        double sum = 0, sumSq = 0;
        long count = 0;
        var cSum = new double[all];
        var cSq = new double[all];
        long rows = 0;
        for (int i = 0; i < series.Count; i++)
        {
            int trainEnd = series[i].Length - tails[i];
            float[] u = layout.Series(series[i].Values.AsSpan(0, trainEnd));
            foreach (float v in u) { sum += v; sumSq += (double)v * v; count++; }
            for (int t = 0; t < trainEnd; t++)
            {
                for (int k = 0; k < all; k++)
                {
                    double v = k < c ? series[i].Covariates[t * c + k] : series[i].PastCovariates[t * cp + k - c];
                    cSum[k] += v;
                    cSq[k] += v * v;
                }
                rows++;
            }
        }
        (float Mean, float Scale) Stats(double s1, double s2, long n)
        {
            double mean = s1 / n;
            double sd = Math.Sqrt(Math.Max(0, s2 / n - mean * mean));
            return ((float)mean, sd > 1e-8 ? (float)sd : 1f); // a constant column keeps scale 1 (documented)
        }
        var (mean, scale) = Stats(sum, sumSq, count);
        var covMean = new float[all];
        var covScale = new float[all];
        for (int k = 0; k < all; k++) (covMean[k], covScale[k]) = Stats(cSum[k], cSq[k], rows);
        return layout with { Mean = mean, Scale = scale, CovariateMean = covMean, CovariateScale = covScale };
    }
}
