using LstmMlNet.Data;
using LstmMlNet.Engine;
using static TorchSharp.torch;

namespace LstmMlNet.Training;

/// <summary>Mean squared error over the K outputs of each sequence (targets [B, K]); metric: mean absolute error.</summary>
internal sealed class RegressionObjective : ITrainingObjective
{
    public string MetricName => "MAE";

    public Tensor Loss(SequenceNetwork network, SequenceBatch batch) =>
        nn.functional.mse_loss(network.Forward(batch.Inputs, batch.Lengths), batch.Targets);

    public (double LossSum, double MetricSum) Score(SequenceNetwork network, SequenceBatch batch)
    {
        Tensor error = network.Forward(batch.Inputs, batch.Lengths) - batch.Targets;
        return (error.Squared().mean(new long[] { 1 }).sum().item<float>(), error.abs().mean(new long[] { 1 }).sum().item<float>());
    }
}
