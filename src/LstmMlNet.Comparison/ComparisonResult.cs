using System.Globalization;
using System.Text;
using Microsoft.ML;

namespace LstmMlNet.Comparison;

/// <summary>What a comparison found: every trial, the leaderboard and the best model refitted on all rows.</summary>
public sealed class ComparisonResult
{
    internal ComparisonResult(ComparisonTask task, ComparisonMetric metric, IReadOnlyList<TrialResult> trials, TimeSpan elapsed, TimeSpan timeBudget,
        bool budgetExhausted)
    {
        TimeBudget = timeBudget;
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

    /// <summary>The trial refitted into <see cref="BestModel"/>. In classification and regression that is <see cref="Best"/>.
    /// In forecasting it is <see cref="Best"/> when that is a recurrent forecaster, naive or seasonal naive (the model then
    /// forecasts with that rule); when the lag-feature trees (no saveable forecasting model) rank first it is the best
    /// recurrent forecaster, which ranks below <see cref="Best"/> (<see cref="Remark"/> says so).</summary>
    public TrialResult? BestModelTrial { get; internal set; }

    /// <summary>The best model refitted on all rows, ready for <c>ml.Model.Save</c>; null when nothing completed or
    /// <see cref="ComparisonOptions.RefitBest"/> is false. In forecasting it is an
    /// <see cref="LstmMlNet.LstmForecastingTransformer"/> (null when only the lag-feature trees completed): save it with
    /// <c>ml.Model.Save(model, model.ScoringInputSchema, path)</c>, forecast with <c>model.Forecast()</c> or make a forecast
    /// engine from it. When naive or seasonal naive ranks first it is a <c>ForecastByLstm</c> model that forecasts with that
    /// rule alone: no network was trained, its <see cref="LstmMlNet.ForecastFitReport.NetworkWeight"/> is 0 (in the saved
    /// ONNX graph too), and its bounds are calibrated on the rule's errors over the validation tails.</summary>
    public ITransformer? BestModel { get; internal set; }

    /// <summary>Forecasting: the window W (rows) every candidate read, given or resolved by <c>ForecastByLstm</c>'s
    /// automatic rule on the rows before the first fold; null for the other tasks.</summary>
    public int? WindowSize { get; internal set; }

    /// <summary>Forecasting: the season s (rows; 1 = none) every candidate used (seasonal naive, the recurrent forecasters,
    /// MASE), given or detected as <c>ForecastByLstm</c> detects it on the rows before the first fold; null for the other tasks.</summary>
    public int? Seasonality { get; internal set; }

    /// <summary>What the leaderboard alone does not say about <see cref="BestModel"/>, in a sentence (also in ML.NET's log):
    /// in forecasting, that a simple forecast (naive, seasonal naive) ranked first and <see cref="BestModel"/> forecasts with
    /// it, or that a lag-feature tree ranked first and <see cref="BestModel"/> is not the winner. Null otherwise.</summary>
    public string? Remark { get; internal set; }

    /// <summary>The estimator behind <see cref="BestModel"/> (classification and regression), unfitted.</summary>
    public IEstimator<ITransformer>? BestEstimator { get; internal set; }

    /// <summary>Wall-clock time of the trials (the refit excluded).</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>True when the budget stopped the search: a trial was cut by it or not started, or (a random search with no
    /// cap on <see cref="ComparisonOptions.MaxRecurrentTrials"/>) the draws stopped before the space was exhausted.</summary>
    public bool BudgetExhausted { get; }

    /// <summary>The time budget the trials ran under (<see cref="ComparisonOptions.TimeBudget"/>).</summary>
    public TimeSpan TimeBudget { get; }

    /// <summary>The share of <see cref="TimeBudget"/> the trials took, <see cref="Elapsed"/> ÷ <see cref="TimeBudget"/>
    /// (0.25 = a quarter). Below 1 with <see cref="BudgetExhausted"/> false: every candidate ran and the search
    /// space was exhausted first (widen it to use more of the budget). It may pass 1 a little: a baseline's fold is not
    /// interrupted, and a recurrent fit stops at its next batch.</summary>
    public double BudgetUsed => TimeBudget > TimeSpan.Zero ? Elapsed / TimeBudget : double.NaN;

    /// <summary>"35.2 s, 29% of the 120 s budget; every candidate ran" or "…; the budget ended the search".</summary>
    internal string BudgetLine => string.Create(CultureInfo.InvariantCulture,
        $"{Elapsed.TotalSeconds:F1} s, {BudgetUsed * 100:F0}% of the {TimeBudget.TotalSeconds:F0} s budget; {(BudgetExhausted ? "the budget ended the search" : "every candidate ran")}");

    /// <summary>The leaderboard as a fixed-width text table under a line with the time taken and the share of the budget
    /// (<see cref="BudgetUsed"/>), best first, then the trials that did not complete.</summary>
    public string ToTable()
    {
        var text = new StringBuilder();
        string direction = Metric.HigherIsBetter() ? "higher is better" : "lower is better";
        text.AppendLine(CultureInfo.InvariantCulture, $"{Task}: {Metric} ({direction}), {Trials.Count} trials in {BudgetLine}");
        text.AppendLine(CultureInfo.InvariantCulture, $"{"#",3} {"candidate",-44} {"mean",10} {"± sd",9} {"s/fold",8} {"parameters",11}");
        int rank = 1;
        foreach (TrialResult t in Leaderboard)
            text.AppendLine(CultureInfo.InvariantCulture, $"{rank++,3} {Trim(t.Name),-44} {t.Mean,10:F4} {t.StandardDeviation,9:F4} {t.TrainSeconds,8:F2} {Parameters(t.Parameters),11}");
        foreach (TrialResult t in Trials.Where(t => t.Status != TrialStatus.Completed))
            text.AppendLine(CultureInfo.InvariantCulture, $"  - {Trim(t.Name),-44} {t.Status}{(t.Error is null ? "" : ": " + t.Error)}");
        if (WindowSize is int w && Seasonality is int s)
            text.AppendLine(CultureInfo.InvariantCulture, $"Every candidate read window {w} and season {s}.");
        if (Remark is not null) text.AppendLine(Remark);
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
