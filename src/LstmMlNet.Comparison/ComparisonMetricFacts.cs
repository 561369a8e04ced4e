namespace LstmMlNet.Comparison;

/// <summary>What the comparison needs to know about a metric.</summary>
public static class ComparisonMetricFacts
{
    /// <summary>True when a larger value of <paramref name="metric"/> is better.</summary>
    public static bool HigherIsBetter(this ComparisonMetric metric) => metric is ComparisonMetric.Accuracy or ComparisonMetric.AreaUnderRocCurve
        or ComparisonMetric.F1Score or ComparisonMetric.MacroAccuracy or ComparisonMetric.MicroAccuracy or ComparisonMetric.RSquared;

    /// <summary>The metric a task ranks by unless told otherwise.</summary>
    public static ComparisonMetric DefaultFor(ComparisonTask task) => task switch
    {
        ComparisonTask.BinaryClassification => ComparisonMetric.Accuracy,
        ComparisonTask.MulticlassClassification => ComparisonMetric.MacroAccuracy,
        ComparisonTask.Regression => ComparisonMetric.RSquared,
        _ => ComparisonMetric.MeanAbsoluteError,
    };

    /// <summary>True when <paramref name="metric"/> is defined for <paramref name="task"/>.</summary>
    public static bool AppliesTo(this ComparisonMetric metric, ComparisonTask task) => task switch
    {
        ComparisonTask.BinaryClassification => metric is ComparisonMetric.Accuracy or ComparisonMetric.AreaUnderRocCurve or ComparisonMetric.F1Score
            or ComparisonMetric.LogLoss,
        ComparisonTask.MulticlassClassification => metric is ComparisonMetric.MacroAccuracy or ComparisonMetric.MicroAccuracy or ComparisonMetric.LogLoss,
        ComparisonTask.Regression => metric is ComparisonMetric.RSquared or ComparisonMetric.MeanAbsoluteError or ComparisonMetric.RootMeanSquaredError,
        _ => metric is ComparisonMetric.MeanAbsoluteError or ComparisonMetric.RootMeanSquaredError or ComparisonMetric.SymmetricMeanAbsolutePercentageError
            or ComparisonMetric.MeanAbsolutePercentageError or ComparisonMetric.MeanAbsoluteScaledError,
    };
}
