using System.Globalization;
using System.Text;
using Microsoft.ML;

namespace LstmMlNet.Comparison;

/// <summary>Where a candidate comes from.</summary>
public enum CandidateFamily
{
    /// <summary>An ML.NET baseline (linear, tree or naive).</summary>
    Baseline,

    /// <summary>An LstmMlNet recurrent model.</summary>
    Recurrent,

    /// <summary>A candidate the caller added.</summary>
    Custom,
}

/// <summary>How a trial ended.</summary>
public enum TrialStatus
{
    /// <summary>Every fold ran; the trial is ranked.</summary>
    Completed,

    /// <summary>A fold threw; <see cref="TrialResult.Error"/> says what. Not ranked.</summary>
    Failed,

    /// <summary>The time budget ran out before every fold ran. Not ranked.</summary>
    StoppedByBudget,

    /// <summary>The budget was spent before the trial could start. Not ranked.</summary>
    NotRun,
}

/// <summary>One candidate's cross-validated (or backtested) result.</summary>
/// <param name="Index">1-based position in the run order.</param>
/// <param name="Name">Candidate name, e.g. "BiLstm H128 L1 Max" or "FeaturizeText + SdcaLogisticRegression".</param>
/// <param name="Family">Baseline, recurrent or custom.</param>
/// <param name="Configuration">The candidate's settings as name/value pairs.</param>
/// <param name="Status">How the trial ended.</param>
/// <param name="FoldMetrics">The metric on each fold that ran, in fold order.</param>
/// <param name="Mean">Mean of <paramref name="FoldMetrics"/> (NaN when none ran).</param>
/// <param name="StandardDeviation">Sample standard deviation (n − 1) of <paramref name="FoldMetrics"/> (NaN below 2 folds).</param>
/// <param name="TrainSeconds">Mean wall-clock seconds per fold spent fitting (scoring excluded).</param>
/// <param name="Parameters">Learned values of the last fold's model: for a recurrent candidate the network's trainable
/// parameters as trained (<c>RecurrentFitReport.ParameterCount</c> or <c>ForecastFitReport.Parameters</c>: a token
/// model's subword n-gram table included, which the saved model replaces by one vector per vocabulary token; a frozen
/// pretrained encoder excluded, which the saved model holds), so a count of what was fitted, not of the saved model's
/// size; linear weights and biases, or tree leaf values, for ML.NET's trainers; 0 for naive rules; null when unknown
/// (custom candidates).</param>
/// <param name="Error">Why the trial failed, or null.</param>
public sealed record TrialResult(int Index, string Name, CandidateFamily Family, IReadOnlyDictionary<string, string> Configuration,
    TrialStatus Status, IReadOnlyList<double> FoldMetrics, double Mean, double StandardDeviation, double TrainSeconds, long? Parameters,
    string? Error);

/// <summary>A progress report: a fold is starting, or (with <see cref="Completed"/> set) a trial has ended.</summary>
/// <param name="Trial">1-based index of the trial.</param>
/// <param name="PlannedTrials">Trials planned (baselines, custom and recurrent).</param>
/// <param name="Name">Candidate name.</param>
/// <param name="Fold">1-based fold starting (equal to <paramref name="Folds"/> when a trial ended).</param>
/// <param name="Folds">Folds per trial.</param>
/// <param name="Elapsed">Time since the comparison started.</param>
/// <param name="Budget">The time budget.</param>
/// <param name="Completed">The finished trial, or null while it runs.</param>
public sealed record ComparisonProgress(int Trial, int PlannedTrials, string Name, int Fold, int Folds, TimeSpan Elapsed, TimeSpan Budget,
    TrialResult? Completed);

/// <summary>What a comparison found: every trial, the leaderboard and the best model refitted on all rows.</summary>
public sealed class ComparisonResult
{
    internal ComparisonResult(ComparisonTask task, ComparisonMetric metric, IReadOnlyList<TrialResult> trials, TimeSpan elapsed, bool budgetExhausted)
    {
        Task = task;
        Metric = metric;
        Trials = trials;
        Elapsed = elapsed;
        BudgetExhausted = budgetExhausted;
        var completed = trials.Where(t => t.Status == TrialStatus.Completed);
        Leaderboard = (metric.HigherIsBetter() ? completed.OrderByDescending(t => t.Mean) : completed.OrderBy(t => t.Mean)).ThenBy(t => t.Index).ToArray();
    }

    /// <summary>The task compared.</summary>
    public ComparisonTask Task { get; }

    /// <summary>The metric ranked by.</summary>
    public ComparisonMetric Metric { get; }

    /// <summary>Every trial in run order, including failed, stopped and not-run ones.</summary>
    public IReadOnlyList<TrialResult> Trials { get; }

    /// <summary>Completed trials, best first (ties: earlier trial first).</summary>
    public IReadOnlyList<TrialResult> Leaderboard { get; }

    /// <summary>The best completed trial, or null when none completed.</summary>
    public TrialResult? Best => Leaderboard.Count > 0 ? Leaderboard[0] : null;

    /// <summary>The trial refitted into <see cref="BestModel"/>. In classification and regression that is <see cref="Best"/>;
    /// in forecasting it is the best recurrent forecaster (the baselines there are rules and lag-feature trees with no
    /// saveable ML.NET forecasting model), which may rank below <see cref="Best"/>.</summary>
    public TrialResult? BestModelTrial { get; internal set; }

    /// <summary>The best model refitted on all rows, ready for <c>ml.Model.Save</c>; null when nothing completed or
    /// <see cref="ComparisonOptions.RefitBest"/> is false. In forecasting it is an
    /// <see cref="LstmMlNet.Forecasting.LstmForecastingTransformer"/>: save it with
    /// <c>ml.Model.Save(model, model.ScoringInputSchema, path)</c> or make a forecast engine from it.</summary>
    public ITransformer? BestModel { get; internal set; }

    /// <summary>The estimator behind <see cref="BestModel"/> (classification and regression), unfitted.</summary>
    public IEstimator<ITransformer>? BestEstimator { get; internal set; }

    /// <summary>Wall-clock time of the trials (the refit excluded).</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>True when the budget stopped the search before every planned trial completed.</summary>
    public bool BudgetExhausted { get; }

    /// <summary>The leaderboard as a fixed-width text table, best first, then the trials that did not complete.</summary>
    public string ToTable()
    {
        var text = new StringBuilder();
        string direction = Metric.HigherIsBetter() ? "higher is better" : "lower is better";
        text.AppendLine(CultureInfo.InvariantCulture, $"{Task}: {Metric} ({direction}), {Trials.Count} trials in {Elapsed.TotalSeconds:F1} s");
        text.AppendLine(CultureInfo.InvariantCulture, $"{"#",3} {"candidate",-44} {"mean",10} {"± sd",9} {"s/fold",8} {"parameters",11}");
        int rank = 1;
        foreach (TrialResult t in Leaderboard)
            text.AppendLine(CultureInfo.InvariantCulture, $"{rank++,3} {Trim(t.Name),-44} {t.Mean,10:F4} {t.StandardDeviation,9:F4} {t.TrainSeconds,8:F2} {Parameters(t.Parameters),11}");
        foreach (TrialResult t in Trials.Where(t => t.Status != TrialStatus.Completed))
            text.AppendLine(CultureInfo.InvariantCulture, $"  - {Trim(t.Name),-44} {t.Status}{(t.Error is null ? "" : ": " + t.Error)}");
        return text.ToString();
    }

    /// <summary>A parameter count as text: "-" when unknown, "12.3k", "1.20M".</summary>
    public static string Parameters(long? count) => count switch
    {
        null => "-",
        < 10_000 => count.Value.ToString(CultureInfo.InvariantCulture),
        < 1_000_000 => (count.Value / 1e3).ToString("F1", CultureInfo.InvariantCulture) + "k",
        _ => (count.Value / 1e6).ToString("F2", CultureInfo.InvariantCulture) + "M",
    };

    private static string Trim(string name) => name.Length <= 44 ? name : name[..43] + "…";
}
