using LstmMlNet.Catalog;
using LstmMlNet.Forecasting;

namespace LstmMlNet.Comparison;

/// <summary>How a comparison searches, validates and stops. Defaults: 5 folds, 10-minute budget, the full grid of
/// <see cref="RecurrentSearchSpace"/>'s defaults, ML.NET's baselines included, seed 1, the best refitted.</summary>
public class ComparisonOptions
{
    /// <summary>Metric to rank by; null takes the task's default (<see cref="ComparisonMetricFacts.DefaultFor"/>). Default null.</summary>
    public ComparisonMetric? Metric { get; set; }

    /// <summary>Folds of the cross-validation (classification, regression) or rolling origins of the backtest
    /// (forecasting), at least 2. Default 5.</summary>
    public int Folds { get; set; } = 5;

    /// <summary>Wall-clock budget for the trials. No trial or fold starts after it is spent, and a recurrent fit still
    /// running when it runs out is cancelled (that trial is reported as <see cref="TrialStatus.StoppedByBudget"/>).
    /// The final refit of the best runs after the budget. Default 10 minutes.</summary>
    public TimeSpan TimeBudget { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Grid or seeded random search over <see cref="SearchSpace"/>. Default grid.</summary>
    public SearchStrategy Strategy { get; set; } = SearchStrategy.Grid;

    /// <summary>Most recurrent trials; 0 means the whole grid (with <see cref="SearchStrategy.Random"/>, 0 means 8). Default 0.</summary>
    public int MaxRecurrentTrials { get; set; }

    /// <summary>Recurrent configurations to search. Default <see cref="RecurrentSearchSpace"/>'s defaults.</summary>
    public RecurrentSearchSpace SearchSpace { get; set; } = new();

    /// <summary>Run ML.NET's baselines first (text: FeaturizeText + SDCA / L-BFGS; numeric sequences and forecasting:
    /// FastTree and LightGbm; forecasting also naive and seasonal naive). Default true.</summary>
    public bool IncludeBaselines { get; set; } = true;

    /// <summary>Run the recurrent configurations of <see cref="SearchSpace"/>. Default true.</summary>
    public bool IncludeRecurrent { get; set; } = true;

    /// <summary>Your own candidates (classification and regression), run after the baselines.</summary>
    public IList<ComparisonCandidate> AdditionalCandidates { get; } = new List<ComparisonCandidate>();

    /// <summary>Seed of the folds, the random search and every trainer. Default 1.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Refit the best trial on all rows when the trials end. Default true.</summary>
    public bool RefitBest { get; set; } = true;

    /// <summary>Receives a report when each fold starts and when each trial ends. Default null.</summary>
    public IProgress<ComparisonProgress>? Progress { get; set; }

    /// <summary>Stops the comparison (throws <see cref="OperationCanceledException"/>) between folds and between a
    /// recurrent fit's batches.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Validates the settings for <paramref name="task"/>.</summary>
    public virtual void Validate(ComparisonTask task)
    {
        if (Folds < 2) throw new ArgumentOutOfRangeException(nameof(Folds), Folds, "A comparison needs at least 2 folds.");
        if (TimeBudget <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(TimeBudget), TimeBudget, "The time budget must be positive.");
        if (MaxRecurrentTrials < 0) throw new ArgumentOutOfRangeException(nameof(MaxRecurrentTrials), MaxRecurrentTrials, "Must be 0 (all) or positive.");
        if (Metric is { } metric && !metric.AppliesTo(task)) throw new ArgumentException($"Metric {metric} does not apply to {task}.", nameof(Metric));
        ArgumentNullException.ThrowIfNull(SearchSpace, nameof(SearchSpace));
        SearchSpace.Validate();
    }

    internal IReadOnlyList<RecurrentConfiguration> Configurations() => !IncludeRecurrent ? Array.Empty<RecurrentConfiguration>()
        : Strategy == SearchStrategy.Random
        ? SearchSpace.Sample(MaxRecurrentTrials == 0 ? 8 : MaxRecurrentTrials, Seed)
        : SearchSpace.Grid().Take(MaxRecurrentTrials == 0 ? int.MaxValue : MaxRecurrentTrials).ToArray();
}

/// <summary>Settings of a classification or regression comparison.</summary>
public sealed class SupervisedComparisonOptions : ComparisonOptions
{
    /// <summary>Sets the recurrent trainers' other options (epochs, batch size, dropout...) before a configuration is
    /// applied on top; the trainers' defaults otherwise. Default null.</summary>
    public Action<RecurrentTrainerOptions>? ConfigureRecurrent { get; set; }
}

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
