namespace LstmMlNet.Comparison;

/// <summary>Settings of a classification or regression comparison.</summary>
public sealed class SupervisedComparisonOptions : ComparisonOptions
{
    /// <summary>Sets the recurrent trainers' other options (epochs, batch size, dropout...) before a configuration is
    /// applied on top; the trainers' defaults otherwise. Default null.</summary>
    public Action<LstmTrainerOptions>? ConfigureRecurrent { get; set; }

    /// <summary>On a text input, with <see cref="ComparisonOptions.IncludeBaselines"/>, also run the linear probe on a
    /// pretrained encoder when the app references its package (LstmMlNet.Text.MiniLM): "MiniLM sentence vectors +
    /// LbfgsLogisticRegression" (binary), "+ LbfgsMaximumEntropy" (multiclass) or "+ Sdca" (regression), on
    /// <c>ml.Transforms.Text.PretrainedSentenceVectors</c>'s 384 mean-pooled, L2-normalised floats per row (at most 256
    /// tokens). A baseline like the others: ranked, refitted and saved when it wins. It encodes every row once per fold
    /// (about 10 ms a row on 2 CPU cores). Default true.</summary>
    public bool IncludePretrainedBaselines { get; set; } = true;
}
