namespace LstmMlNet.Comparison;

/// <summary>Settings of a classification or regression comparison.</summary>
public sealed class SupervisedComparisonOptions : ComparisonOptions
{
    /// <summary>Sets the recurrent trainers' other options (epochs, batch size, dropout...) before a configuration is
    /// applied on top; the trainers' defaults otherwise. Default null.</summary>
    public Action<LstmTrainerOptions>? ConfigureRecurrent { get; set; }
}
