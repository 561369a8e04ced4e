namespace LstmMlNet;

/// <summary>How the bounds' half-widths follow the errors observed after Fit.</summary>
public enum ForecastIntervalMethod
{
    /// <summary>Adaptive conformal bounds: the forecast engine (<see cref="LstmForecastEngine{TIn, TOut}.Update"/>) and
    /// <see cref="ForecastBacktest"/> score every forecast against the observations as they arrive and move each horizon
    /// step's half-width q_k (in units of the window's <see cref="ForecastIntervalScale"/> σ) by
    /// q_k ← q_k·exp(γ·(err − α)), err = 1 when the observation fell outside the bounds issued for it, α = 1 − level,
    /// γ = <see cref="LstmForecastingOptions.IntervalAdaptationRate"/>. It is the update of adaptive conformal inference
    /// (Gibbs and Candès 2021, α_t ← α_t + γ(α − err_t)) applied to the logarithm of the half-width instead of to the
    /// quantile level, so the half-width is never capped at the largest calibration error: over any long stretch the
    /// fraction of observations outside the bounds approaches α whatever the errors do (after T scored forecasts it is off
    /// by exactly ln(q_T/q_0) / (γ·T), q_0 and q_T the first and last half-widths). Starts from the split-conformal half-widths of Fit.
    /// <see cref="LstmForecastingTransformer.Transform"/> and the saved scoring model give the split-conformal bounds, which
    /// hold no state. Default.</summary>
    Adaptive,

    /// <summary>Split-conformal bounds only: the half-widths calibrated at Fit on the validation tails, unchanged
    /// afterwards. Their coverage holds for windows whose scaled errors are exchangeable with the tail's, not when the
    /// series drifts.</summary>
    SplitConformal,
}
