namespace LstmMlNet.Comparison;

/// <summary>A progress report: a fold is starting, or (with <see cref="Completed"/> set) a trial has ended.</summary>
/// <param name="Trial">1-based index of the trial.</param>
/// <param name="PlannedTrials">Trials planned (baselines, custom and recurrent); for a random search with no cap on
/// <see cref="ComparisonOptions.MaxRecurrentTrials"/>, every distinct configuration counts (an upper bound: the draws stop
/// with the budget).</param>
/// <param name="Name">Candidate name.</param>
/// <param name="Fold">1-based fold starting (equal to <paramref name="Folds"/> when a trial ended).</param>
/// <param name="Folds">Folds per trial.</param>
/// <param name="Elapsed">Time since the comparison started.</param>
/// <param name="Budget">The time budget.</param>
/// <param name="Completed">The finished trial, or null while it runs.</param>
public sealed record ComparisonProgress(int Trial, int PlannedTrials, string Name, int Fold, int Folds, TimeSpan Elapsed, TimeSpan Budget,
    TrialResult? Completed);
