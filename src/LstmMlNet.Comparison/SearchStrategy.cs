namespace LstmMlNet.Comparison;

/// <summary>How the recurrent configurations of a search space are chosen.</summary>
public enum SearchStrategy
{
    /// <summary>Every combination, in the order of the space's lists (text encoders and cells vary slowest, learning rates
    /// fastest), up to <see cref="ComparisonOptions.MaxRecurrentTrials"/> when that is set, while the budget lasts.</summary>
    Grid,

    /// <summary>Distinct combinations drawn one after another with the comparison's seed: <see cref="ComparisonOptions.MaxRecurrentTrials"/>
    /// of them, or when that is 0 as many as the budget allows (until the space is exhausted).</summary>
    Random,
}
