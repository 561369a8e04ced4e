namespace LstmMlNet;

/// <summary>The simple forecast the network learns to correct: an untrained network (output 0) forecasts it, and the
/// network's output is the scaled difference from it.</summary>
public enum ForecastBaseline
{
    /// <summary>The seasonal naive forecast where there is a season (<see cref="LstmForecastingOptions.Seasonality"/>
    /// P ≥ 2, window W ≥ P, not <see cref="ForecastTargetTransform.Difference"/>) and it forecasts the training parts of
    /// the series better than the last value does (mean absolute error over every origin and all h steps, all series
    /// together); otherwise the last value. The choice is written to the log and to
    /// <see cref="ForecastFitReport.SeasonalBaselinePeriod"/>.</summary>
    Automatic,

    /// <summary>The last observed value (the naive forecast): the network forecasts the change from it.</summary>
    LastValue,

    /// <summary>The value one season before each future step (the seasonal naive forecast), when there is a season and
    /// W ≥ P; otherwise the last value.</summary>
    SeasonalNaive,
}
