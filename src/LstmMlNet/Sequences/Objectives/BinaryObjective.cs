using LstmMlNet.Data;
using LstmMlNet.Engine;
using static TorchSharp.torch;

namespace LstmMlNet.Training;

/// <summary>Logistic loss on one logit against 0/1 targets [B, 1], trained against targets smoothed by
/// <paramref name="labelSmoothing"/> ε (y(1 − ε) + ε/2, the two-class case of uniform label smoothing); the scored
/// loss uses the plain targets. Metric: accuracy at threshold 0.5.</summary>
internal sealed class BinaryObjective(double labelSmoothing = 0) : ITrainingObjective
{
    public string MetricName => "accuracy";

    public Tensor Loss(SequenceNetwork network, SequenceBatch batch)
    {
        Tensor targets = labelSmoothing > 0 ? batch.Targets.Times(1 - labelSmoothing).Plus(0.5 * labelSmoothing) : batch.Targets;
        return nn.functional.binary_cross_entropy_with_logits(network.Forward(batch.Inputs, batch.Lengths), targets);
    }

    public (double LossSum, double MetricSum) Score(SequenceNetwork network, SequenceBatch batch)
    {
        Tensor logits = network.Forward(batch.Inputs, batch.Lengths);
        double loss = nn.functional.binary_cross_entropy_with_logits(logits, batch.Targets, reduction: nn.Reduction.Sum).item<float>();
        double correct = logits.GreaterThan(0).to(ScalarType.Float32).eq(batch.Targets).sum().item<long>();
        return (loss, correct);
    }
}
