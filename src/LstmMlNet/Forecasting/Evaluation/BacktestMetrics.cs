namespace LstmMlNet;

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
