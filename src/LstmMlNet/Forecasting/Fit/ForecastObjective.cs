using LstmMlNet.Data;
using LstmMlNet.Engine;
using static TorchSharp.torch;

namespace LstmMlNet.Training;

/// <summary>Mean squared or absolute error (<see cref="ForecastLoss"/>) of the one-unit head at each of the last h steps
/// (the horizon steps) against the scaled targets [B, h]; metric: mean absolute error in scaled units. Every window has
/// the same number of steps.</summary>
internal sealed class ForecastObjective(int horizon, ForecastLoss loss) : ITrainingObjective
{
    public string MetricName => "scaled MAE";

    /// <summary>Scaled forecasts [B, h]: the head at the last h steps.</summary>
    public static Tensor Predict(SequenceNetwork network, Tensor inputs, Tensor lengths, int horizon)
    {
        // No final cell state needed: training windows (all full length) may then run the fused CPU layer.
        Tensor steps = network.ForwardSteps(inputs, lengths, null, finalCellState: false).Output; // [B, T, 1]
        long t = steps.shape[1];
        return steps.narrow(1, t - horizon, horizon).squeeze(-1);
    }

    public Tensor Loss(SequenceNetwork network, SequenceBatch batch)
    {
        Tensor forecast = Predict(network, batch.Inputs, batch.Lengths, horizon);
        return loss == ForecastLoss.AbsoluteError
            ? nn.functional.l1_loss(forecast, batch.Targets)
            : nn.functional.mse_loss(forecast, batch.Targets);
    }

    public (double LossSum, double MetricSum) Score(SequenceNetwork network, SequenceBatch batch)
    {
        Tensor error = Predict(network, batch.Inputs, batch.Lengths, horizon) - batch.Targets;
        Tensor absolute = error.abs().mean(new long[] { 1 }).sum();
        Tensor lossSum = loss == ForecastLoss.AbsoluteError ? absolute : error.Squared().mean(new long[] { 1 }).sum();
        return (lossSum.item<float>(), absolute.item<float>());
    }
}
