namespace LstmMlNet;

/// <summary>The unit the bounds' half-widths are calibrated in: each window's errors are divided by a scale σ of that
/// window before their quantile is taken, and a forecast's half-width is that quantile times its own window's σ, so the
/// bounds widen and narrow with the series. The unit decides whether the errors of windows from different stretches
/// (and different series) are alike.</summary>
public enum ForecastIntervalScale
{
    /// <summary>The window's in-sample error of the seasonal naive forecast: σ = mean |u_t − u_{t−L}| over the window
    /// (L the season when the window holds two seasons, else 1; u the level, or its changes for
    /// <see cref="ForecastTargetTransform.Difference"/>) plus 1e-2 of its mean absolute value, as
    /// <see cref="ForecastScaling.SeasonalChange"/>. It follows how much the series moves, not how far it is from zero,
    /// so a series whose level falls while its noise does not keeps bounds of the right width. Default.</summary>
    SeasonalChange,

    /// <summary>The scale s the network's inputs are divided by (<see cref="LstmForecastingOptions.Scaling"/>): the
    /// window's mean absolute value for <see cref="ForecastScaling.WindowMean"/>, the training deviation for
    /// <see cref="ForecastScaling.Standard"/>, … (the only unit before version 0.2). With
    /// <see cref="ForecastScaling.WindowMean"/> the bounds shrink with the level of the series even when its errors do
    /// not.</summary>
    NetworkScale,
}
