using LstmMlNet.Forecasting;
using Microsoft.ML;

namespace LstmMlNet;

/// <summary>
/// Rolling-origin backtests of <c>ForecastByLstm</c> (Darts' <c>historical_forecasts</c>): forecasts made at origins
/// <c>firstOrigin</c>, <c>firstOrigin + stride</c>, … from the rows before each origin only, compared with what happened.
/// <para>Origins are row positions within each series (0-based; with one series, row indices). An origin o gets the
/// forecast of rows o … o + h − 1 from the W rows before o; only origins whose h rows are all in the data are used (the
/// last is length − h). A model never sees a row at or after the origins it forecasts from: with
/// <c>refitEvery</c> = 0 one model is fitted on the rows before <c>firstOrigin</c> and makes every forecast (Darts'
/// <c>retrain=False</c>); with <c>refitEvery</c> = k it is refitted, on all rows before the origin (expanding window), at
/// the first origin and every k-th origin after it, each model forecasting from its fit origin until the next fit.</para>
/// <para>With a series-id column (a global model) every series is backtested at the same positions, and every series
/// needs at least <c>firstOrigin + h</c> rows.</para>
/// <para>Gaps in time (<see cref="LstmForecastingOptions.GapFill"/>) are handled as Fit handles them: by default an error;
/// when filled, positions count the filled rows too (the series is read on its regular grid), a filled row is no origin, and
/// no error is scored against a filled value (a forecast whose h rows include filled ones reports the others).</para>
/// </summary>
public static class ForecastBacktest
{
    /// <summary>Backtests the estimator's options; see <see cref="Run(MLContext, LstmForecastingOptions, IDataView, int, int, int, int)"/>.</summary>
    public static ForecastBacktestResult Run(MLContext ml, LstmForecastingEstimator estimator, IDataView data, int firstOrigin, int stride = 1,
        int refitEvery = 0, int seasonality = 0)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        return Run(ml, estimator.Options, data, firstOrigin, stride, refitEvery, seasonality);
    }

    /// <summary>Fits <c>ml.Forecasting.ForecastByLstm(options)</c> on the rows before the origins and forecasts from them.</summary>
    /// <param name="ml">The context (its seed seeds fits when <c>options.Seed</c> is null).</param>
    /// <param name="options">The forecaster's options; each fit uses a copy.</param>
    /// <param name="data">The series rows, in time order (all of them: the rows before the first origin are training rows).</param>
    /// <param name="firstOrigin">Position (0-based, within each series) of the first forecast origin. The rows before it
    /// must hold a fit: at least W + h + the validation tail (<see cref="LstmForecastingOptions.ValidationTailLength"/>).</param>
    /// <param name="stride">Rows between consecutive origins, ≥ 1. Default 1.</param>
    /// <param name="refitEvery">0 (default): fit once on the rows before <paramref name="firstOrigin"/>. k ≥ 1: refit on
    /// all rows before the origin at the first origin and every k-th origin after it (expanding window).</param>
    /// <param name="seasonality">Season length m of the seasonal naive forecast that scales MASE, ≥ 1, or 0 (default) for
    /// the season of the (last) fitted model (<see cref="ForecastFitReport.Seasonality"/>: declared or detected; 1 = the last
    /// value). The m used is <see cref="ForecastBacktestResult.Seasonality"/>.</param>
    /// <returns>Every forecast value with its actual value and bounds, and the errors per step and overall. The bounds are the
    /// model's split-conformal ones, or with <see cref="LstmForecastingOptions.IntervalMethod"/>
    /// <see cref="ForecastIntervalMethod.Adaptive"/> (the default) adapted as the forecast engine adapts them: every row from
    /// a model's fit origin on is an origin and then an observation that scores the forecasts made before it.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range: <paramref name="firstOrigin"/> leaves
    /// too few training rows or no origin with h rows of data, <paramref name="stride"/> &lt; 1, …</exception>
    public static ForecastBacktestResult Run(MLContext ml, LstmForecastingOptions options, IDataView data, int firstOrigin, int stride = 1,
        int refitEvery = 0, int seasonality = 0) =>
        Run(ml, options, data, firstOrigin, int.MaxValue, stride, refitEvery, seasonality);

    /// <summary>As the public <see cref="Run(MLContext, LstmForecastingOptions, IDataView, int, int, int, int)"/>, with the origins
    /// limited to positions before <paramref name="endOrigin"/> (a comparison's fold: one block of origins, the model fitted on
    /// the rows before the block); the errors are those the public backtest reports on data that ends at
    /// <paramref name="endOrigin"/> + h − 1 rows.
    /// <para>With <paramref name="alignEnds"/> the positions of a panel count from each series' end rather than its start:
    /// position p of series i is its row p + (nᵢ − n_min), n_min the shortest series' length, so every series is walked over
    /// its own last rows (a comparison's fold blocks); <see cref="BacktestForecast.Origin"/> is then the row within the
    /// series. With one series, or series of one length, it changes nothing.</para></summary>
    internal static ForecastBacktestResult Run(MLContext ml, LstmForecastingOptions options, IDataView data, int firstOrigin, int endOrigin, int stride,
        int refitEvery, int seasonality, bool alignEnds = false)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(data);
        LstmForecastingOptions o = options.Clone();
        o.Validate();
        if (stride < 1) throw new ArgumentOutOfRangeException(nameof(stride), stride, "The stride between origins must be at least 1 row.");
        if (refitEvery < 0) throw new ArgumentOutOfRangeException(nameof(refitEvery), refitEvery, "0 (fit once) or the number of origins between refits (≥ 1).");
        if (seasonality < 0) throw new ArgumentOutOfRangeException(nameof(seasonality), seasonality, "The seasonality must be 0 (the model's season) or at least 1.");

        List<Series> series = SeriesTable.Read(data, o);
        if (series.Count == 0) throw new ArgumentException($"The data has no rows (series column '{o.InputColumnName}').", nameof(data));
        int w = o.WindowSize, h = o.Horizon;
        Series shortest = series.MinBy(s => s.Length)!;
        if (firstOrigin < 0 || firstOrigin + h > shortest.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(firstOrigin), firstOrigin,
                $"The first origin is beyond the data: series {SeriesTable.Describe(shortest)} has {shortest.Length} rows, so with horizon {h} " +
                $"the last origin whose forecast rows are all observed is {shortest.Length - h}.");
        }
        int tail = ForecastPlanner.TailLength(o, firstOrigin), needed = w + h + tail;
        if (w > 0 && firstOrigin < needed) // an automatic window (0) is known only inside Fit, which checks it
        {
            throw new ArgumentOutOfRangeException(nameof(firstOrigin), firstOrigin,
                $"The first origin leaves {firstOrigin} training rows per series; window {w} + horizon {h} + validation tail {tail} need at least {needed}." + ForecastPlanner.TailCause(o, firstOrigin));
        }

        // Origin positions (shared by all series; a shorter series stops earlier) and the fits.
        int[] offsets = Offsets(series, alignEnds);
        List<int> origins = Origins(series, firstOrigin, endOrigin, h, stride, offsets);
        var fitAt = new List<int>();
        for (int i = 0; i < origins.Count; i++)
        {
            if (i == 0 || (refitEvery > 0 && i % refitEvery == 0)) fitAt.Add(i);
        }

        long rows = series.Max(s => s.Rows[^1]) + 1; // every series has at least one row
        var reported = new HashSet<int>(origins);
        var forecasts = new List<(int Series, int Origin, float[] F, float[] L, float[] U)>();
        LstmForecastingTransformer? model = null;
        double fitSeconds = 0;
        for (int j = 0; j < fitAt.Count; j++)
        {
            int first = fitAt[j], next = j + 1 < fitAt.Count ? fitAt[j + 1] : origins.Count; // this model forecasts origins[first..next)
            int origin = origins[first];
            int until = next < origins.Count ? origins[next] : int.MaxValue;
            var keep = new bool[rows];
            long kept = 0;
            for (int i = 0; i < series.Count; i++)
            {
                Series s = series[i];
                for (int t = 0; t < origin + offsets[i] && t < s.Length; t++)
                {
                    if (s.IsFilled(t)) continue; // no data row: the fit fills it again
                    keep[s.Rows[t]] = true;
                    kept++;
                }
            }
            var fitClock = System.Diagnostics.Stopwatch.StartNew();
            Onnx.ModelRelease.Release(model); // the previous origin's model: its ONNX session and temporary file
            model = ml.Forecasting.ForecastByLstm(o.Clone()).Fit(new RowSubsetView(data, r => r < keep.Length && keep[r], kept));
            fitSeconds += fitClock.Elapsed.TotalSeconds;
            var (scored, _, _) = model.Score(data);
            float[][] f = scored[0], l = scored[1], u = scored[2], sigma = scored[3];
            for (int i = 0; i < series.Count; i++)
            {
                Series s = series[i];
                if (o.IntervalMethod == ForecastIntervalMethod.SplitConformal)
                {
                    for (int q = first; q < next; q++)
                    {
                        int p = origins[q] + offsets[i];
                        if (p + h > s.Length || s.IsFilled(p)) continue; // a filled row is no origin
                        long at = s.Rows[p];
                        forecasts.Add((i, p, f[at], l[at], u[at]));
                    }
                    continue;
                }
                // Adaptive bounds, as the forecast engine makes them: from this model's fit origin every row is an origin
                // (the forecast from the rows before it is issued with the current half-widths) and then an observation
                // that scores the forecasts made before it; the stride only selects the origins reported.
                var bounds = new AdaptiveBounds(model.FitReport.Quantiles, o.ConfidenceLevel, o.IntervalAdaptationRate);
                int end = until == int.MaxValue ? s.Length : Math.Min(until + offsets[i], s.Length);
                for (int t = origin + offsets[i]; t < end; t++)
                {
                    long at = s.Rows[t];
                    bounds.Advance(s.IsFilled(t), s.IsFilled(t) ? 0f : ForecastLayout.Level(model.Options.TargetTransform, s.Values[t]), () =>
                    {
                        if (!float.IsFinite(f[at][0])) return; // no forecast from this origin (too few rows before it)
                        var (lower, upper) = bounds.IssueBounds(f[at], sigma[at][0], model.Options.TargetTransform);
                        if (reported.Contains(t - offsets[i]) && t + h <= s.Length) forecasts.Add((i, t, f[at], lower, upper));
                    });
                }
            }
        }

        var all = new List<BacktestForecast>();
        foreach (var (i, p, f, l, u) in forecasts.OrderBy(x => x.Series).ThenBy(x => x.Origin))
        {
            Series s = series[i];
            for (int k = 0; k < h; k++)
            {
                if (!s.IsFilled(p + k)) all.Add(new BacktestForecast(s.Id, p, k + 1, f[k], l[k], u[k], s.Values[p + k])); // filled rows are no actuals
            }
        }
        int m = seasonality > 0 ? seasonality : Math.Max(1, model!.FitReport.Seasonality);
        var (steps, overall) = Score(series, all, firstOrigin, offsets, m, h, o.ConfidenceLevel);
        return new ForecastBacktestResult(all, steps, overall, fitAt.Select(i => origins[i]).ToArray(), model!, m) { FitSeconds = fitSeconds };
    }

    /// <summary>The origin positions of a walk: <paramref name="firstOrigin"/>, + <paramref name="stride"/>, … before
    /// <paramref name="endOrigin"/>, as long as the longest series holds the h rows after the origin (a shorter series stops
    /// earlier); positions of series i are its rows less <paramref name="offsets"/>[i] (none: 0).</summary>
    internal static List<int> Origins(IReadOnlyList<Series> series, int firstOrigin, int endOrigin, int h, int stride, int[]? offsets = null)
    {
        int longest = series.Select((s, i) => s.Length - (offsets is null ? 0 : offsets[i])).Max();
        var origins = new List<int>();
        for (int p = firstOrigin; p < endOrigin && p + h <= longest; p += stride) origins.Add(p);
        return origins;
    }

    /// <summary>Where each series' positions start: 0, or with <paramref name="alignEnds"/> its length less the shortest
    /// series' length (positions counted from each series' end).</summary>
    internal static int[] Offsets(IReadOnlyList<Series> series, bool alignEnds)
    {
        int shortest = series.Count == 0 ? 0 : series.Min(s => s.Length);
        return series.Select(s => alignEnds ? s.Length - shortest : 0).ToArray();
    }

    /// <summary>The walk for a forecaster without bounds (a comparison's baseline): the forecasts of <paramref name="forecast"/>
    /// (series, origin row → the h values from the rows before the origin) at every origin of <see cref="Origins"/> (stride 1)
    /// of every series whose h rows are observed, scored as the LSTM backtest is (interval figures NaN); positions from each
    /// series' end with <paramref name="alignEnds"/>, as the internal <c>Run</c>.</summary>
    internal static BacktestMetrics PointForecasts(IReadOnlyList<Series> series, int firstOrigin, int endOrigin, int h, int seasonality,
        Func<Series, int, float[]> forecast, bool alignEnds = false)
    {
        var all = new List<BacktestForecast>();
        int[] offsets = Offsets(series, alignEnds);
        List<int> origins = Origins(series, firstOrigin, endOrigin, h, 1, offsets);
        for (int i = 0; i < series.Count; i++)
        {
            Series s = series[i];
            foreach (int position in origins)
            {
                int p = position + offsets[i];
                if (p + h > s.Length || s.IsFilled(p)) continue;
                float[] f = forecast(s, p);
                for (int k = 0; k < h; k++)
                {
                    if (!s.IsFilled(p + k)) all.Add(new BacktestForecast(s.Id, p, k + 1, f[k], float.NaN, float.NaN, s.Values[p + k]));
                }
            }
        }
        return Score(series, all, firstOrigin, offsets, seasonality, h, null).Overall;
    }

    /// <summary>The errors per step and overall of a walk's forecasts; MASE scaled by the seasonal naive MAE (season
    /// <paramref name="m"/>) on the rows before position <paramref name="firstOrigin"/> of every series (its row
    /// firstOrigin + offset), pooled over the series.</summary>
    private static (BacktestMetrics[] Steps, BacktestMetrics Overall) Score(IReadOnlyList<Series> series, List<BacktestForecast> all, int firstOrigin, int[] offsets,
        int m, int h, double? level)
    {
        double scale = ForecastMetrics.SeasonalNaiveScale(series.Select((s, i) => (IReadOnlyList<float>)new ArraySegment<float>(s.Values, 0, Math.Min(firstOrigin + offsets[i], s.Length))), m);
        var byStep = new List<BacktestForecast>[h]; // one pass over the forecasts, each step's in walk order
        for (int k = 0; k < h; k++) byStep[k] = new List<BacktestForecast>(all.Count / h);
        foreach (BacktestForecast x in all) byStep[x.Step - 1].Add(x);
        var steps = byStep.Select(values => Metrics(values, scale, level)).ToArray();
        return (steps, Metrics(all, scale, level));
    }

    /// <summary>The figures of <paramref name="values"/>; the interval figures are NaN when there are no bounds
    /// (<paramref name="level"/> null).</summary>
    private static BacktestMetrics Metrics(List<BacktestForecast> values, double naiveScale, double? level)
    {
        float[] actual = values.Select(v => v.Actual).ToArray();
        float[] forecast = values.Select(v => v.Forecast).ToArray();
        float[] lower = values.Select(v => v.Lower).ToArray();
        float[] upper = values.Select(v => v.Upper).ToArray();
        double mae = ForecastMetrics.MeanAbsoluteError(actual, forecast);
        var (mape, zeros) = ForecastMetrics.MeanAbsolutePercentageErrorOfNonZero(actual, forecast);
        return new BacktestMetrics(
            values.Count,
            mae,
            ForecastMetrics.RootMeanSquaredError(actual, forecast),
            ForecastMetrics.SymmetricMeanAbsolutePercentageError(actual, forecast),
            mape,
            mae / naiveScale,
            level is null ? double.NaN : ForecastMetrics.Coverage(actual, lower, upper),
            ForecastMetrics.MeanSquaredError(actual, forecast),
            zeros,
            level is null ? double.NaN : ForecastMetrics.MeanIntervalWidth(lower, upper),
            level is { } l ? ForecastMetrics.IntervalScore(actual, lower, upper, l) : double.NaN);
    }
}
