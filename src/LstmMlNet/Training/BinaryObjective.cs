using LstmMlNet.Data;
using LstmMlNet.Engine;
using static TorchSharp.torch;

namespace LstmMlNet.Training;

/// <summary>Logistic loss on one logit against 0/1 targets [B, 1]; metric: accuracy at threshold 0.5.</summary>
internal sealed class BinaryObjective : ITrainingObjective
{
    public string MetricName => "accuracy";

    public Tensor Loss(SequenceNetwork network, SequenceBatch batch) =>
        nn.functional.binary_cross_entropy_with_logits(network.Forward(batch.Inputs, batch.Lengths), batch.Targets);

    public (double LossSum, double MetricSum) Score(SequenceNetwork network, SequenceBatch batch)
    {
        Tensor logits = network.Forward(batch.Inputs, batch.Lengths);
        double loss = nn.functional.binary_cross_entropy_with_logits(logits, batch.Targets, reduction: nn.Reduction.Sum).item<float>();
        double correct = logits.gt(0).to(ScalarType.Float32).eq(batch.Targets).sum().item<long>();
        return (loss, correct);
    }
}
