using LstmMlNet.Data;
using LstmMlNet.Engine;
using static TorchSharp.torch;

namespace LstmMlNet.Training;

/// <summary>Softmax cross-entropy over <c>K</c> logits, trained with libtorch's uniform label smoothing ε =
/// <paramref name="labelSmoothing"/> (1 − ε + ε/K on the true class, ε/K elsewhere); the scored loss uses the plain
/// labels. Metric: accuracy.</summary>
internal sealed class MulticlassObjective(double labelSmoothing = 0) : ITrainingObjective
{
    public string MetricName => "accuracy";

    public Tensor Loss(SequenceNetwork network, SequenceBatch batch) =>
        nn.functional.cross_entropy(network.Forward(batch.Inputs, batch.Lengths), batch.Targets, label_smoothing: labelSmoothing);

    public (double LossSum, double MetricSum) Score(SequenceNetwork network, SequenceBatch batch)
    {
        Tensor logits = network.Forward(batch.Inputs, batch.Lengths);
        double loss = nn.functional.cross_entropy(logits, batch.Targets, reduction: nn.Reduction.Sum).item<float>();
        double correct = logits.argmax(1).eq(batch.Targets).sum().item<long>();
        return (loss, correct);
    }
}
