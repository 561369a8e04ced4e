namespace LstmMlNet.Comparison;

/// <summary>How a comparison searches, validates and stops. Defaults: 5 folds, 10-minute budget, the full grid of
/// <see cref="RecurrentSearchSpace"/>'s defaults (on a text input each point also on MiniLM when the app references
/// LstmMlNet.Text.MiniLM), ML.NET's baselines included, seed 1, the best refitted.</summary>
public class ComparisonOptions
{
    /// <summary>Metric to rank by; null takes the task's default (<see cref="ComparisonMetricFacts.DefaultFor"/>). Default null.</summary>
    public ComparisonMetric? Metric { get; set; }

    /// <summary>Folds of the cross-validation (classification, regression) or rolling origins of the backtest
    /// (forecasting), at least 2. Default 5.</summary>
    public int Folds { get; set; } = 5;

    /// <summary>Wall-clock budget for the trials. No trial or fold starts after it is spent, and a recurrent fit still
    /// running when it runs out is cancelled (that trial is reported as <see cref="TrialStatus.StoppedByBudget"/>).
    /// The search ends earlier only when every candidate has run (<see cref="ComparisonResult.BudgetUsed"/> says how much
    /// was used). The final refit of the best runs after the budget. Default 10 minutes.</summary>
    public TimeSpan TimeBudget { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Grid or seeded random search over <see cref="SearchSpace"/>. Default grid.</summary>
    public SearchStrategy Strategy { get; set; } = SearchStrategy.Grid;

    /// <summary>Most recurrent trials. 0 (default): as many as the budget allows — with <see cref="SearchStrategy.Grid"/> the
    /// whole grid in order, each configuration the budget leaves unstarted listed as <see cref="TrialStatus.NotRun"/>; with
    /// <see cref="SearchStrategy.Random"/> one distinct configuration after another, drawn with <see cref="Seed"/>, until the
    /// space is exhausted or the budget is spent (draws never made are not listed). n &gt; 0: the first n of the grid, or
    /// n random draws, each the budget leaves unstarted listed as <see cref="TrialStatus.NotRun"/>.</summary>
    public int MaxRecurrentTrials { get; set; }

    /// <summary>Recurrent configurations to search. Default <see cref="RecurrentSearchSpace"/>'s defaults.</summary>
    public RecurrentSearchSpace SearchSpace { get; set; } = new();

    /// <summary>Run the baselines first (text: FeaturizeText + SDCA / L-BFGS, and the MiniLM sentence-vector probe when
    /// its package is referenced, see <see cref="SupervisedComparisonOptions.IncludePretrainedBaselines"/>; numeric
    /// sequences and forecasting: FastTree and LightGbm; forecasting also naive and seasonal naive). Default true.</summary>
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

    /// <summary>The recurrent configurations in the order they run (<see cref="RecurrentSearchSpace.Order"/>), at most
    /// <see cref="MaxRecurrentTrials"/> when set; <paramref name="automaticEncoders"/> are the pretrained encoders a
    /// null <see cref="RecurrentSearchSpace.TextEncoders"/> adds (none when null).</summary>
    internal IReadOnlyList<RecurrentConfiguration> Configurations(IReadOnlyList<PretrainedTextEncoder>? automaticEncoders = null)
    {
        if (!IncludeRecurrent) return Array.Empty<RecurrentConfiguration>();
        IReadOnlyList<RecurrentConfiguration> order = SearchSpace.Order(Strategy, Seed, automaticEncoders ?? Array.Empty<PretrainedTextEncoder>());
        return MaxRecurrentTrials > 0 ? order.Take(MaxRecurrentTrials).ToArray() : order;
    }

    /// <summary>True when the recurrent trials are random draws made while the budget lasts (not a plan: those the budget
    /// leaves unmade are not listed as <see cref="TrialStatus.NotRun"/>).</summary>
    internal bool DrawsWhileBudgetLasts => Strategy == SearchStrategy.Random && MaxRecurrentTrials == 0;
}
