namespace LstmMlNet;

/// <summary>The loss the forecaster minimises over the scaled targets z'_k (all horizon steps, all windows).</summary>
public enum ForecastLoss
{
    /// <summary>Mean squared error: the forecast estimates the conditional mean.</summary>
    SquaredError,

    /// <summary>Mean absolute error: the forecast estimates the conditional median, the minimiser of the absolute-error
    /// metrics forecasts are usually judged by (MAE, MASE, sMAPE), and one window with a large error weighs no more than
    /// its size.</summary>
    AbsoluteError,
}
