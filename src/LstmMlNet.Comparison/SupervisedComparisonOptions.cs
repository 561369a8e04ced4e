namespace LstmMlNet.Comparison;

/// <summary>Settings of a classification or regression comparison.</summary>
public sealed class SupervisedComparisonOptions : ComparisonOptions
{
    /// <summary>Sets the recurrent trainers' other options (epochs, batch size, dropout...) before a configuration is
    /// applied on top; the trainers' defaults otherwise. Default null.</summary>
    public Action<LstmTrainerOptions>? ConfigureRecurrent { get; set; }

    /// <summary>On a text input, with <see cref="ComparisonOptions.IncludeBaselines"/>, also run the linear probe on a
    /// pretrained encoder when the app references its package (LstmMlNet.Text.MiniLM), after ML.NET's baselines: "MiniLM
    /// sentence vectors + LbfgsLogisticRegression" (binary) or "+ LbfgsMaximumEntropy" (multiclass), both with L2
    /// regularisation 1 and no L1 (ML.NET's default L1 weight of 1 zeroes most of the 384 small weights on a few hundred
    /// rows), or "+ Sdca" (regression, ML.NET's defaults), on <c>ml.Transforms.Text.PretrainedSentenceVectors</c>'s 384
    /// mean-pooled, L2-normalised floats per row (at most 256 tokens). A baseline like the others: ranked, refitted and
    /// saved when it wins. It encodes every row once per fold (about 10 ms a row on 2 CPU cores). No effect without the
    /// package. Default true.</summary>
    public bool IncludePretrainedBaselines { get; set; } = true;
}
