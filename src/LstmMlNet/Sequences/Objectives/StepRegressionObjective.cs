using LstmMlNet.Data;
using LstmMlNet.Engine;
using static TorchSharp.torch;

namespace LstmMlNet.Training;

/// <summary>
/// Mean squared error at every valid step (targets [B, T, K]); metric: MAE over valid steps. Trainable with
/// truncated BPTT when every sequence of a batch has the same length.
/// </summary>
internal sealed class StepRegressionObjective : ITruncatedObjective
{
    public string MetricName => "MAE";

    public Tensor Loss(SequenceNetwork network, SequenceBatch batch)
    {
        var (output, _) = network.ForwardSteps(batch.Inputs, batch.Lengths, null, finalCellState: false);
        return MaskedMean((output - batch.Targets).Squared(), batch.Lengths);
    }

    public (double LossSum, double MetricSum) Score(SequenceNetwork network, SequenceBatch batch)
    {
        var (output, _) = network.ForwardSteps(batch.Inputs, batch.Lengths, null);
        Tensor error = output - batch.Targets;
        return (RowMeans(error.Squared(), batch.Lengths).sum().item<float>(), RowMeans(error.abs(), batch.Lengths).sum().item<float>());
    }

    public IEnumerable<Tensor> ChunkLosses(SequenceNetwork network, SequenceBatch batch, int chunkSteps)
    {
        long steps = batch.Inputs.shape[1];
        if (batch.Lengths.min().item<long>() != steps)
            throw new InvalidOperationException("Truncated BPTT needs sequences of equal length within a batch (e.g. fixed-size windows of a series).");
        (Tensor H, Tensor? C)? state = null;
        for (long start = 0; start < steps; start += chunkSteps)
        {
            long width = Math.Min(chunkSteps, steps - start);
            Tensor inputs = batch.Inputs.narrow(1, start, width);
            Tensor lengths = TorchScalars.Full(new long[] { batch.Count }, width, ScalarType.Int64);
            // The last chunk's final state is not carried on, so it need not be exact: the faster training path may run.
            bool last = start + width >= steps;
            var (output, next) = network.ForwardSteps(inputs, lengths, state, finalCellState: !last);
            state = last ? null : (next.H.detach(), next.C?.detach());
            yield return (output - batch.Targets.narrow(1, start, width)).Squared().mean();
        }
    }

    /// <summary>Mean over valid steps and outputs of each row: [B].</summary>
    private static Tensor RowMeans(Tensor perStep, Tensor lengths)
    {
        Tensor mask = StepMask(perStep, lengths);
        return (perStep * mask).sum(new long[] { 1, 2 }) / lengths.to(perStep.device).to(perStep.dtype).Times(perStep.shape[2]);
    }

    private static Tensor MaskedMean(Tensor perStep, Tensor lengths)
    {
        Tensor mask = StepMask(perStep, lengths);
        return (perStep * mask).sum() / mask.sum().Times(perStep.shape[2]);
    }

    private static Tensor StepMask(Tensor perStep, Tensor lengths) =>
        SequenceMask.ValidSteps(lengths.to(perStep.device), perStep.shape[1]).unsqueeze(-1).to(perStep.dtype);
}
