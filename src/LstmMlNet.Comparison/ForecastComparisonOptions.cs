namespace LstmMlNet.Comparison;

/// <summary>Settings of a forecasting comparison: a rolling-origin backtest over the last part of the series.</summary>
public sealed class ForecastComparisonOptions : ComparisonOptions
{
    /// <summary>Rows per backtest fold; 0 picks max(h, ⌊0.3 n / Folds⌋) so the folds cover the last 30% of the n rows (n of
    /// the shortest series in a panel). Fold i trains on every row before its block and forecasts from each origin in the
    /// block. Default 0.</summary>
    public int FoldLength { get; set; }

    /// <summary>Single covariate columns known in the future, given to every candidate that can use them (the
    /// recurrent forecasters and the lag-feature baselines). Default none.</summary>
    public string[] CovariateColumnNames { get; set; } = Array.Empty<string>();

    /// <summary>Optional column naming the series of each row (Text or a number), for a panel: every series is backtested
    /// over its own last Folds × <see cref="FoldLength"/> rows (L from the shortest series when automatic), the naive rules
    /// and lag-feature trees per series, the recurrent candidates as one global <c>ForecastByLstm</c> model over all series
    /// per fold, and each fold's figure pools every series' forecasts (MASE scaled by the seasonal naive error pooled over
    /// the series, as <see cref="ForecastBacktest"/> scales it). Default null: the whole column is one series.</summary>
    public string? SeriesIdColumnName { get; set; }

    /// <summary>Sets the recurrent forecasters' other options (epochs, target transform, scaling...) before a
    /// configuration is applied on top; the defaults of <see cref="LstmForecastingOptions"/> otherwise. Default null.</summary>
    public Action<LstmForecastingOptions>? ConfigureForecaster { get; set; }

    /// <inheritdoc/>
    public override void Validate(ComparisonTask task)
    {
        base.Validate(task);
        if (FoldLength < 0) throw new ArgumentOutOfRangeException(nameof(FoldLength), FoldLength, "Must be 0 (automatic) or positive.");
        if (SeriesIdColumnName is { } id && string.IsNullOrWhiteSpace(id)) throw new ArgumentException("Must be null (one series) or a column name.", nameof(SeriesIdColumnName));
        if (AdditionalCandidates.Count > 0) throw new ArgumentException("Forecasting comparisons take no additional candidates.", nameof(AdditionalCandidates));
    }
}
