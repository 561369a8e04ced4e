namespace LstmMlNet.Comparison;

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
