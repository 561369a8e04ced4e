namespace LstmMlNet;

/// <summary>Which network a forecasting Fit returns (<see cref="LstmForecastingOptions.ModelSelection"/>).</summary>
public enum ForecastModelSelection
{
    /// <summary>The best validation epoch when the validation tails are long enough to choose on: at least
    /// <see cref="LstmForecastingOptions.SelectionHorizons"/> non-overlapping horizons over all series (Σ tail / h); else
    /// the last epoch. The default.</summary>
    Automatic,

    /// <summary>The weights of the epoch with the lowest validation loss, training stopped after
    /// <see cref="TrainingOptions.EarlyStoppingPatience"/> epochs without a lower one (Keras' restore-best, NeuralForecast's
    /// early stopping).</summary>
    BestEpoch,

    /// <summary>The weights after the last epoch (no early stopping).</summary>
    LastEpoch,
}
