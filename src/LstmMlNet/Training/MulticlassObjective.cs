using LstmMlNet.Data;
using LstmMlNet.Engine;
using static TorchSharp.torch;

namespace LstmMlNet.Training;

/// <summary>Softmax cross-entropy over <c>K</c> logits; metric: accuracy.</summary>
internal sealed class MulticlassObjective : ITrainingObjective
{
    public string MetricName => "accuracy";

    public Tensor Loss(SequenceNetwork network, SequenceBatch batch) =>
        nn.functional.cross_entropy(network.Forward(batch.Inputs, batch.Lengths), batch.Targets);

    public (double LossSum, double MetricSum) Score(SequenceNetwork network, SequenceBatch batch)
    {
        Tensor logits = network.Forward(batch.Inputs, batch.Lengths);
        double loss = nn.functional.cross_entropy(logits, batch.Targets, reduction: nn.Reduction.Sum).item<float>();
        double correct = logits.argmax(1).eq(batch.Targets).sum().item<long>();
        return (loss, correct);
    }
}
