using System.Runtime.InteropServices;
using LstmMlNet.Data;
using LstmMlNet.Engine;
using LstmMlNet.Training;
using static TorchSharp.torch;

namespace LstmMlNet.Tests.Training;

/// <summary>A failure below the loop (libtorch's <see cref="ExternalException"/>, a runtime fault) reaches the caller as
/// a managed exception naming the phase, with the original inside.</summary>
public sealed class TrainingFailureTests
{
    /// <summary>The regression objective, failing as libtorch fails (an <see cref="ExternalException"/>) at one call.</summary>
    private sealed class FailingObjective(int failAtLoss, int failAtScore) : ITrainingObjective
    {
        private readonly RegressionObjective inner = new();
        private int losses, scores;

        public string MetricName => inner.MetricName;

        public Tensor Loss(SequenceNetwork network, SequenceBatch batch) =>
            ++losses == failAtLoss ? throw new ExternalException("Expected false to be true, but got false. (toFloat at c10/core/Scalar.h)") : inner.Loss(network, batch);

        public (double LossSum, double MetricSum) Score(SequenceNetwork network, SequenceBatch batch) =>
            ++scores == failAtScore ? throw new NullReferenceException("a fault in scoring") : inner.Score(network, batch);
    }

    private static SequenceNetwork Network()
    {
        random.manual_seed(1);
        return new SequenceNetwork(new NetworkSpec(new FrameInput(2), Outputs: 1, Cell: RecurrentCellKind.Gru, HiddenSize: 4));
    }

    [Fact]
    public void A_libtorch_error_in_a_training_batch_names_the_epoch_and_the_batch()
    {
        var data = AddingProblem.Create(100, 5, seed: 1);
        var options = new TrainingOptions { Epochs = 3, BatchSize = 25, ValidationFraction = 0 };
        using SequenceNetwork network = Network();
        // 4 batches an epoch: the 7th loss is epoch 2's third batch.
        var e = Assert.Throws<InvalidOperationException>(() => TrainingLoop.Run(network, new FailingObjective(7, 0), data, null, options, 1, CPU));
        Assert.Contains("epoch 2 of 3, training batch 3 of 4", e.Message, StringComparison.Ordinal);
        Assert.Contains("toFloat", e.Message, StringComparison.Ordinal);
        Assert.IsType<ExternalException>(e.InnerException);
    }

    [Fact]
    public void A_fault_in_validation_names_the_epoch_and_validation()
    {
        var train = AddingProblem.Create(100, 5, seed: 1);
        var validation = AddingProblem.Create(20, 5, seed: 2);
        var options = new TrainingOptions { Epochs = 3, BatchSize = 25 };
        using SequenceNetwork network = Network();
        var e = Assert.Throws<InvalidOperationException>(() => TrainingLoop.Run(network, new FailingObjective(0, 2), train, validation, options, 1, CPU));
        Assert.Contains("epoch 2 of 3, validation", e.Message, StringComparison.Ordinal);
        Assert.IsType<NullReferenceException>(e.InnerException);
    }
}
