namespace LstmMlNet;

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

    /// <summary>As <see cref="WindowMean"/> (relative to the window's last value), divided by the window's standard
    /// deviation (plus 1e-3 of its mean absolute value, so a flat window keeps a finite scale), as in reversible instance
    /// normalisation: the scale follows the window's spread, not its distance from zero, so a series that crosses zero,
    /// sits near it or shifts its level keeps a sensible scale.</summary>
    WindowDeviation,

    /// <summary>As <see cref="WindowMean"/> (relative to the window's last value), divided by the window's mean absolute
    /// seasonal change |u_t − u_{t−P}| (P the season, <see cref="LstmForecastingOptions.Seasonality"/>; the change from the
    /// previous step when there is none or the window holds fewer than two seasons), plus 1e-2 of its mean absolute value so a
    /// window that repeats exactly keeps a finite scale. The scaled errors are then in the units MASE measures in (the
    /// in-sample error of the seasonal naive forecast), whatever the level: series near zero, crossing it, of very
    /// different magnitudes, or regular and noisy ones weigh alike in a global model.</summary>
    SeasonalChange,

    /// <summary><see cref="SeasonalChange"/> for a univariate model, <see cref="WindowMean"/> for a model with covariates
    /// (the fitted model records which). Covariates enter as their change since the window's last step and a linear path
    /// maps them to the forecast in scaled units: with the level as the scale their effect is proportional to the level of
    /// the series (the multiplicative effect of demand drivers such as weather or price), with the seasonal change as the
    /// scale it is proportional to the series' volatility. The README's forecasting table has the measured comparison.</summary>
    Automatic,
}
