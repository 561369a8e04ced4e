namespace LstmMlNet.Comparison;

/// <summary>How the recurrent configurations of a search space are chosen.</summary>
public enum SearchStrategy
{
    /// <summary>Every combination, in the order of the space's lists (cells vary slowest, learning rates fastest),
    /// up to <see cref="ComparisonOptions.MaxRecurrentTrials"/> when that is set.</summary>
    Grid,

    /// <summary><see cref="ComparisonOptions.MaxRecurrentTrials"/> distinct combinations drawn with the comparison's seed.</summary>
    Random,
}
