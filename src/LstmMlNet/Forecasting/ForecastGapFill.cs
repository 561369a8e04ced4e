namespace LstmMlNet;

/// <summary>What the forecaster does with a gap in time: steps missing between two consecutive rows of a series that has
/// a <see cref="LstmForecastingOptions.TimestampColumnName"/>. The step is the most common difference between consecutive
/// rows (a calendar month, quarter or year when that difference is 28–31, 89–92 or 365–366 days); a gap is a difference
/// of k ≥ 2 whole steps, which misses k − 1 rows. The same rule applies wherever rows with times are read: <c>Fit</c>,
/// <c>Transform</c>, <see cref="ForecastBacktest"/> and the forecast engine's <c>Update</c> (which remembers the fitted
/// choice in its checkpoint).
/// <para>A filled row gets the series value, the covariates and the past covariates by the same method, and the time of
/// its step. Filled rows are inputs only: no training window, validation or calibration window, baseline-guard error,
/// backtest error or adaptive-bounds update has a filled row among its targets, and <c>Transform</c> returns no row for
/// them (it returns the input rows).</para>
/// </summary>
public enum ForecastGapFill
{
    /// <summary>The default: a gap is an error (<see cref="InvalidOperationException"/> from Fit, Transform and the
    /// backtest, <see cref="ArgumentException"/> from the engine's <c>Update</c>) naming the series, the timestamp column,
    /// the first missing time and how many steps are missing.</summary>
    Error = 0,

    /// <summary>Each missing step repeats the last row before the gap (last observation carried forward).</summary>
    PreviousValue,

    /// <summary>Each missing step j of a gap of k steps between rows a and b gets a + (b − a)·j/k (computed in double,
    /// stored as Single): a straight line in time between the rows on either side.</summary>
    LinearInterpolation,

    /// <summary>Each missing step repeats the row one season earlier: P steps before it, where P is
    /// <see cref="LstmForecastingOptions.Seasonality"/> when declared (≥ 2), otherwise the calendar's season of the step,
    /// fixed when the rows are read (a season detected later in Fit is not used): a day of steps for a step that divides a
    /// day (24 for hourly data), 7 for daily data, 12 for monthly data, 4 for quarterly data, none otherwise (then filling fails and asks for
    /// <see cref="LstmForecastingOptions.Seasonality"/>). Missing steps are filled in time order, so a row one season earlier
    /// that was itself filled is used as filled (a gap longer than a season repeats the last observed season). Where the row
    /// one season earlier does not exist (before the series' first row, or, in the engine, older than the W rows it keeps),
    /// the step is interpolated linearly (<see cref="LinearInterpolation"/>).</summary>
    SeasonalValue,
}
