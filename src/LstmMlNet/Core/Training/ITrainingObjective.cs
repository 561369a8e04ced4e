using LstmMlNet.Data;
using LstmMlNet.Engine;
using static TorchSharp.torch;

namespace LstmMlNet.Training;

/// <summary>What the shared loop minimises and reports. One implementation per task.</summary>
internal interface ITrainingObjective
{
    /// <summary>Name of the validation metric ("accuracy", "MAE").</summary>
    string MetricName { get; }

    /// <summary>Scalar mean loss of a batch, with the network in training mode.</summary>
    Tensor Loss(SequenceNetwork network, SequenceBatch batch);

    /// <summary>Sums over the batch rows of the loss and of the metric (the loop divides by the row count).</summary>
    (double LossSum, double MetricSum) Score(SequenceNetwork network, SequenceBatch batch);
}
