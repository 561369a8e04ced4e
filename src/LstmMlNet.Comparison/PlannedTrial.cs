namespace LstmMlNet.Comparison;

/// <summary>A trial to run: its name and how to run fold i (0-based) under a cancellation token. A trial made
/// <paramref name="WhileBudgetLasts"/> (a random draw with no cap) is dropped, not listed as not run, when the budget is
/// spent before it starts; such trials come last.</summary>
internal sealed record PlannedTrial(string Name, CandidateFamily Family, IReadOnlyDictionary<string, string> Configuration,
    Func<int, CancellationToken, FoldOutcome> RunFold, bool WhileBudgetLasts = false);
