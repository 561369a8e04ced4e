namespace LstmMlNet.Comparison;

/// <summary>Settings of a forecasting comparison: a rolling-origin backtest over the last part of the series.</summary>
public sealed class ForecastComparisonOptions : ComparisonOptions
{
    /// <summary>Rows per backtest fold; 0 picks max(h, ⌊0.3 n / Folds⌋) so the folds cover the last 30% of the n rows.
    /// Fold i trains on every row before its block and forecasts from each origin in the block. Default 0.</summary>
    public int FoldLength { get; set; }

    /// <summary>Single covariate columns known in the future, given to every candidate that can use them (the
    /// recurrent forecasters and the lag-feature baselines). Default none.</summary>
    public string[] CovariateColumnNames { get; set; } = Array.Empty<string>();

    /// <summary>Sets the recurrent forecasters' other options (epochs, target transform, scaling...) before a
    /// configuration is applied on top; the defaults of <see cref="LstmForecastingOptions"/> otherwise. Default null.</summary>
    public Action<LstmForecastingOptions>? ConfigureForecaster { get; set; }

    /// <inheritdoc/>
    public override void Validate(ComparisonTask task)
    {
        base.Validate(task);
        if (FoldLength < 0) throw new ArgumentOutOfRangeException(nameof(FoldLength), FoldLength, "Must be 0 (automatic) or positive.");
        if (AdditionalCandidates.Count > 0) throw new ArgumentException("Forecasting comparisons take no additional candidates.", nameof(AdditionalCandidates));
    }
}
