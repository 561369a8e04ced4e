namespace LstmMlNet.Comparison;

/// <summary>The kind of model a comparison ranks.</summary>
public enum ComparisonTask
{
    /// <summary>Bool label; candidates write Score, Probability (where calibrated) and PredictedLabel.</summary>
    BinaryClassification,

    /// <summary>Label of any type ML.NET can map to a key; candidates write Score and PredictedLabel.</summary>
    MulticlassClassification,

    /// <summary>Single label; candidates write Score.</summary>
    Regression,

    /// <summary>One Single series in time order; candidates forecast the next h values from each origin.</summary>
    Forecasting,
}
