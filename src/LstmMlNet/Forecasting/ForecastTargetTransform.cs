namespace LstmMlNet.Forecasting;

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
}

/// <summary>How the network's inputs and targets are scaled. Nothing is fitted on data outside the training rows.</summary>
public enum ForecastScaling
{
    /// <summary>Each window is taken relative to its last (transformed) value (not for Difference, whose values are already
    /// changes) and divided by its mean absolute value, and the forecast is mapped back: one model serves series of any level, and a level never seen in training (a growing series)
    /// stays in the range the network was trained on. Nothing to fit.</summary>
    WindowMean,

    /// <summary>(u − μ) / σ with μ and σ of the transformed training values (all series together).</summary>
    Standard,

    /// <summary>No scaling.</summary>
    None,

    /// <summary>As <see cref="WindowMean"/> (relative to the window's last value), divided by the window's mean absolute
    /// change |u_t − u_{t−1}| instead of its mean absolute value: the scaled values are changes in units of a typical
    /// step, whatever the level (for <see cref="ForecastTargetTransform.Difference"/>, whose values are changes already,
    /// the same as <see cref="WindowMean"/>).</summary>
    WindowChange,
}
