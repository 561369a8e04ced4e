using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.Runtime;

namespace LstmMlNet.Comparison;

/// <summary>Runs trials fold by fold under the time budget, logs one line per trial and reports progress.</summary>
internal static class TrialRunner
{
    public static ComparisonResult Run(IHostEnvironment env, ComparisonTask task, ComparisonMetric metric, ComparisonOptions options,
        IReadOnlyList<PlannedTrial> trials, int folds)
    {
        using IChannel log = env.Start("ModelComparison");
        int draws = trials.Count(t => t.WhileBudgetLasts);
        string planned = draws == 0 ? $"{trials.Count} trials" : $"{trials.Count - draws} trials and up to {draws} random draws while the budget lasts";
        log.Info(MessageSensitivity.None, string.Create(CultureInfo.InvariantCulture,
            $"{task}: {planned} × {folds} folds, ranked by {metric}, budget {options.TimeBudget.TotalSeconds:F0} s, seed {options.Seed}."));
        var clock = Stopwatch.StartNew();
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken);
        budget.CancelAfter(options.TimeBudget);
        var results = new List<TrialResult>();
        bool exhausted = false;
        for (int i = 0; i < trials.Count; i++)
        {
            PlannedTrial trial = trials[i];
            if (exhausted || budget.IsCancellationRequested)
            {
                options.CancellationToken.ThrowIfCancellationRequested();
                exhausted = true;
                // A random draw the budget leaves unmade is no trial; a planned one is listed as not run.
                if (!trial.WhileBudgetLasts)
                    results.Add(Result(i, trial, TrialStatus.NotRun, Array.Empty<FoldOutcome>(), "the time budget was spent before it started"));
                continue;
            }
            var outcomes = new List<FoldOutcome>();
            TrialStatus status = TrialStatus.Completed;
            string? error = null;
            for (int fold = 0; fold < folds; fold++)
            {
                options.Progress?.Report(new ComparisonProgress(i + 1, trials.Count, trial.Name, fold + 1, folds, clock.Elapsed, options.TimeBudget, null));
                if (budget.IsCancellationRequested)
                {
                    options.CancellationToken.ThrowIfCancellationRequested();
                    (status, error, exhausted) = (TrialStatus.StoppedByBudget, $"the time budget ran out after {fold} of {folds} folds", true);
                    break;
                }
                try
                {
                    outcomes.Add(trial.RunFold(fold, budget.Token));
                }
                catch (OperationCanceledException) when (!options.CancellationToken.IsCancellationRequested)
                {
                    (status, error, exhausted) = (TrialStatus.StoppedByBudget, $"the time budget ran out during fold {fold + 1} of {folds}", true);
                    break;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    (status, error) = (TrialStatus.Failed, $"fold {fold + 1}: {Describe(e)}");
                    break;
                }
            }
            TrialResult result = Result(i, trial, status, outcomes, error);
            results.Add(result);
            log.Info(MessageSensitivity.None, Line(result, trials.Count, folds, metric));
            options.Progress?.Report(new ComparisonProgress(i + 1, trials.Count, trial.Name, folds, folds, clock.Elapsed, options.TimeBudget, result));
        }
        var comparison = new ComparisonResult(task, metric, results, clock.Elapsed, options.TimeBudget, exhausted);
        log.Info(MessageSensitivity.None, comparison.Best is { } best
            ? string.Create(CultureInfo.InvariantCulture, $"Best: {best.Name}, {metric} {best.Mean:F4} ± {best.StandardDeviation:F4} ({comparison.BudgetLine}).")
            : $"No trial completed ({comparison.BudgetLine}).");
        return comparison;
    }

    /// <summary>The exception and its inner ones (ML.NET wraps a trainer's error in cursor exceptions).</summary>
    private static string Describe(Exception e)
    {
        var parts = new List<string>();
        for (Exception? x = e; x is not null; x = x.InnerException) parts.Add($"{x.GetType().Name}: {x.Message}");
        return string.Join(" ← ", parts);
    }

    private static TrialResult Result(int index, PlannedTrial trial, TrialStatus status, IReadOnlyList<FoldOutcome> outcomes, string? error)
    {
        double[] metrics = outcomes.Select(o => o.Metric).ToArray();
        double mean = metrics.Length > 0 ? metrics.Average() : double.NaN;
        double sd = metrics.Length > 1 ? Math.Sqrt(metrics.Sum(m => (m - mean) * (m - mean)) / (metrics.Length - 1)) : double.NaN;
        double seconds = outcomes.Count > 0 ? outcomes.Average(o => o.FitSeconds) : double.NaN;
        long? parameters = outcomes.Count > 0 ? outcomes[^1].Parameters : null;
        return new TrialResult(index + 1, trial.Name, trial.Family, trial.Configuration, status, metrics, mean, sd, seconds, parameters, error);
    }

    private static string Line(TrialResult r, int trials, int folds, ComparisonMetric metric) => r.Status == TrialStatus.Completed
        ? string.Create(CultureInfo.InvariantCulture,
            $"Trial {r.Index}/{trials} {r.Name}: {metric} {r.Mean:F4} ± {r.StandardDeviation:F4} over {folds} folds, {r.TrainSeconds:F2} s/fold fit, {ComparisonResult.Parameters(r.Parameters)} parameters.")
        : string.Create(CultureInfo.InvariantCulture, $"Trial {r.Index}/{trials} {r.Name}: {r.Status}{(r.Error is null ? "" : " (" + r.Error + ")")}.");
}
