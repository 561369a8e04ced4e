namespace LstmMlNet.Forecasting;

/// <summary>One forecast value of a backtest: the forecast of row <see cref="Origin"/> + <see cref="Step"/> − 1 of a
/// series, made at <see cref="Origin"/> from the rows before it only.</summary>
/// <param name="SeriesId">The series ("" for a model without a series-id column).</param>
/// <param name="Origin">The forecast origin: the position (0-based, within its series) of the first forecast row; the
/// model read the W rows before it.</param>
/// <param name="Step">Steps ahead, 1 ≤ step ≤ h: this value forecasts the row at position <c>Origin + Step − 1</c>.</param>
/// <param name="Forecast">The forecast, in the series' units.</param>
/// <param name="Lower">Lower confidence bound, in the series' units.</param>
/// <param name="Upper">Upper confidence bound, in the series' units.</param>
/// <param name="Actual">The observed value of that row.</param>
public sealed record BacktestForecast(string SeriesId, int Origin, int Step, float Forecast, float Lower, float Upper, float Actual)
{
    /// <summary>Position (0-based, within its series) of the row this value forecasts: <c>Origin + Step − 1</c>.</summary>
    public int Target => Origin + Step - 1;
}

/// <summary>Errors of a set of backtest forecasts (see <see cref="ForecastMetrics"/> for the definitions). No figure is
/// NaN for a real series: MAPE leaves out the actual values of 0 and says how many (<see cref="ZeroActuals"/>), and MASE is
/// NaN only when the seasonal naive forecast is exact on every training row.</summary>
/// <param name="Count">Number of forecast values compared.</param>
/// <param name="MeanAbsoluteError">MAE, in the series' units.</param>
/// <param name="RootMeanSquaredError">RMSE, in the series' units.</param>
/// <param name="SymmetricMeanAbsolutePercentageError">sMAPE, in percent (0–200).</param>
/// <param name="MeanAbsolutePercentageError">MAPE, in percent, over the values whose actual is not 0; NaN only when every
/// actual is 0.</param>
/// <param name="MeanAbsoluteScaledError">MAE divided by the in-sample MAE of the seasonal naive forecast (the backtest's
/// seasonality: the model's season unless given) on the rows before the first origin (pooled over series); NaN when that is
/// 0 or there are too few rows.</param>
/// <param name="Coverage">Fraction (0–1) of actual values inside [lower, upper].</param>
/// <param name="MeanSquaredError">MSE, in the series' units squared.</param>
/// <param name="ZeroActuals">Actual values of 0, left out of MAPE.</param>
/// <param name="MeanIntervalWidth">Mean width upper − lower, in the series' units.</param>
/// <param name="IntervalScore">Mean interval (Winkler) score at the model's confidence level, in the series' units
/// (<see cref="ForecastMetrics.IntervalScore"/>; lower is better).</param>
public sealed record BacktestMetrics(
    int Count,
    double MeanAbsoluteError,
    double RootMeanSquaredError,
    double SymmetricMeanAbsolutePercentageError,
    double MeanAbsolutePercentageError,
    double MeanAbsoluteScaledError,
    double Coverage,
    double MeanSquaredError,
    int ZeroActuals,
    double MeanIntervalWidth,
    double IntervalScore)
{
    /// <summary>One line with every figure (MAPE, sMAPE in %, coverage as a fraction).</summary>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"n {Count}: MAE {MeanAbsoluteError:F3} RMSE {RootMeanSquaredError:F3} MSE {MeanSquaredError:G5} sMAPE {SymmetricMeanAbsolutePercentageError:F3}% " +
        $"MAPE {(ZeroActuals == Count ? "undefined (every actual is 0)" : $"{MeanAbsolutePercentageError:F3}%{(ZeroActuals > 0 ? $" (over {Count - ZeroActuals} non-zero actuals; {ZeroActuals} zero left out)" : string.Empty)}")} " +
        $"MASE {(double.IsNaN(MeanAbsoluteScaledError) ? "undefined (the seasonal naive forecast is exact in sample)" : MeanAbsoluteScaledError.ToString("F3", System.Globalization.CultureInfo.InvariantCulture))} " +
        $"coverage {Coverage:F3} width {MeanIntervalWidth:G5} interval score {IntervalScore:G5}");
}

/// <summary>
/// What <see cref="ForecastBacktest.Run(Microsoft.ML.MLContext, LstmForecastingOptions, Microsoft.ML.IDataView, int, int, int, int)"/>
/// returns: every forecast value of every origin, and the errors per horizon step and over all steps.
/// </summary>
public sealed class ForecastBacktestResult
{
    internal ForecastBacktestResult(IReadOnlyList<BacktestForecast> forecasts, IReadOnlyList<BacktestMetrics> steps, BacktestMetrics overall,
        IReadOnlyList<int> fitOrigins, LstmForecastingTransformer lastModel, int seasonality)
    {
        Seasonality = seasonality;
        Forecasts = forecasts;
        Steps = steps;
        Overall = overall;
        FitOrigins = fitOrigins;
        LastModel = lastModel;
    }

    /// <summary>All forecast values: for each series, origin (ascending) and step 1..h. Every origin has all h steps.</summary>
    public IReadOnlyList<BacktestForecast> Forecasts { get; }

    /// <summary>Errors per horizon step: element k holds step k + 1 (h elements). With stride 1, the last element is
    /// Darts' <c>historical_forecasts(..., last_points_only=True)</c>: each row's forecast made h rows earlier.</summary>
    public IReadOnlyList<BacktestMetrics> Steps { get; }

    /// <summary>Errors over all steps of all origins.</summary>
    public BacktestMetrics Overall { get; }

    /// <summary>The origins (positions within each series) at which a model was fitted on the rows before them:
    /// one element when the backtest fits once.</summary>
    public IReadOnlyList<int> FitOrigins { get; }

    /// <summary>Season length m of the seasonal naive forecast that scales MASE (given, or the model's season).</summary>
    public int Seasonality { get; }

    /// <summary>The model of the last fit (with one fit: the model that made every forecast).</summary>
    public LstmForecastingTransformer LastModel { get; }

    /// <summary>Seconds spent in the fits (all of them), for a comparison's leaderboard.</summary>
    internal double FitSeconds { get; init; }

    /// <summary>The forecast values <paramref name="step"/> steps ahead (1 ≤ step ≤ h), in the order of <see cref="Forecasts"/>.</summary>
    public IReadOnlyList<BacktestForecast> AtStep(int step)
    {
        if (step < 1 || step > Steps.Count) throw new ArgumentOutOfRangeException(nameof(step), step, $"The backtest forecast steps 1 to {Steps.Count}.");
        return Forecasts.Where(f => f.Step == step).ToArray();
    }
}
