namespace LstmMlNet;

/// <summary>One epoch's report, sent to <see cref="TrainingOptions.Progress"/> and written as a line to ML.NET's log.</summary>
/// <param name="Epoch">1-based epoch just finished.</param>
/// <param name="Epochs">Epochs planned (training may stop earlier on the validation split).</param>
/// <param name="TrainLoss">Mean training loss over the epoch's rows.</param>
/// <param name="ValidationLoss">Mean validation loss, or null without a validation split.</param>
/// <param name="ValidationMetric">Validation metric (see <paramref name="MetricName"/>), or null.</param>
/// <param name="MetricName">Name of the metric: "accuracy" for classifiers, "MAE" for regression.</param>
/// <param name="LearningRate">Learning rate at the end of the epoch.</param>
/// <param name="Seconds">Wall-clock seconds the epoch took, validation included.</param>
public sealed record TrainingProgress(
    int Epoch,
    int Epochs,
    double TrainLoss,
    double? ValidationLoss,
    double? ValidationMetric,
    string MetricName,
    double LearningRate,
    double Seconds)
{
    /// <summary>The log line, e.g. "epoch 3/10: loss 0.4123, validation loss 0.4410, accuracy 0.8125, lr 0.001, 2.1 s".</summary>
    public override string ToString()
    {
        string validation = ValidationLoss is { } vl
            ? FormattableString.Invariant($", validation loss {vl:0.####}, {MetricName} {ValidationMetric:0.####}")
            : string.Empty;
        return FormattableString.Invariant($"epoch {Epoch}/{Epochs}: loss {TrainLoss:0.####}{validation}, lr {LearningRate:0.######}, {Seconds:0.0} s");
    }
}
