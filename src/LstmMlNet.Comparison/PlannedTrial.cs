namespace LstmMlNet.Comparison;

/// <summary>A trial to run: its name and how to run fold i (0-based) under a cancellation token.</summary>
internal sealed record PlannedTrial(string Name, CandidateFamily Family, IReadOnlyDictionary<string, string> Configuration,
    Func<int, CancellationToken, FoldOutcome> RunFold);
