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

/// <summary>The figure a comparison ranks trials by (per fold, then averaged over folds).</summary>
public enum ComparisonMetric
{
    /// <summary>Binary accuracy, in [0, 1]; higher is better. Default for <see cref="ComparisonTask.BinaryClassification"/>.</summary>
    Accuracy,

    /// <summary>Area under the ROC curve, in [0, 1]; higher is better.</summary>
    AreaUnderRocCurve,

    /// <summary>Binary F1 score, in [0, 1]; higher is better.</summary>
    F1Score,

    /// <summary>Log-loss (binary or multiclass), in nats; lower is better. Needs a calibrated probability (binary).</summary>
    LogLoss,

    /// <summary>Mean of the per-class accuracies, in [0, 1]; higher is better. Default for
    /// <see cref="ComparisonTask.MulticlassClassification"/>.</summary>
    MacroAccuracy,

    /// <summary>Share of rows classified correctly (multiclass), in [0, 1]; higher is better.</summary>
    MicroAccuracy,

    /// <summary>Coefficient of determination; higher is better. Default for <see cref="ComparisonTask.Regression"/>.</summary>
    RSquared,

    /// <summary>Mean absolute error, in label units; lower is better. Default for <see cref="ComparisonTask.Forecasting"/>.</summary>
    MeanAbsoluteError,

    /// <summary>Root mean squared error, in label units; lower is better.</summary>
    RootMeanSquaredError,

    /// <summary>Symmetric mean absolute percentage error (forecasting), in percent; lower is better.</summary>
    SymmetricMeanAbsolutePercentageError,

    /// <summary>Mean absolute percentage error (forecasting), in percent, over the actual values that are not 0 (a series
    /// with zeros still gets a figure, as <c>BacktestMetrics.MeanAbsolutePercentageError</c>); lower is better.</summary>
    MeanAbsolutePercentageError,

    /// <summary>Mean absolute scaled error (forecasting; scale = in-sample seasonal naive MAE of the fold's training rows);
    /// lower is better.</summary>
    MeanAbsoluteScaledError,
}

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
