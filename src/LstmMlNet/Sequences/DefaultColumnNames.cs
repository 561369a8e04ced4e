namespace LstmMlNet.Catalog;

/// <summary>Output column names shared with ML.NET's own trainers.</summary>
internal static class DefaultColumnNames
{
    public const string Score = "Score";
    public const string Probability = "Probability";
    public const string PredictedLabel = "PredictedLabel";
}
