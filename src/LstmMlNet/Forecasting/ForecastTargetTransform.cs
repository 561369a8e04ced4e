namespace LstmMlNet;

/// <summary>How the series is transformed before the network sees it; forecasts and bounds are transformed back.</summary>
public enum ForecastTargetTransform
{
    /// <summary>The values as they are.</summary>
    None,

    /// <summary>log(1 + y) on the way in, exp(·) − 1 on the way out: for counts and other non-negative series whose
    /// variation grows with their level. Every value must be greater than −1. Bounds stay valid (monotone map).</summary>
    Log1p,

    /// <summary>First differences y_t − y_{t−1}: the network reads the W − 1 differences of the window and forecasts
    /// the next differences, which are summed onto the window's last value. For series with a trend.</summary>
    Difference,

    /// <summary>The default: <see cref="Log1p"/> or <see cref="None"/>, chosen at Fit by Guerrero's test on the training
    /// part of the series: Log1p when no value is negative and the spread of log(1 + y) within each season follows the
    /// level less than the spread of y does (the season as declared, or as detected on the untransformed values; blocks of
    /// two steps without one), averaged over the series; <see cref="None"/> for a model with covariates (or past
    /// covariates), whose automatic window-mean scale already makes their effect proportional to the level. The fit report
    /// and the log name the choice; the saved model, the engine and the backtest use it.</summary>
    Automatic,
}
