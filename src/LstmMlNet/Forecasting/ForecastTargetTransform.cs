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
}
