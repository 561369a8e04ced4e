using LstmMlNet.Data;
using LstmMlNet.Engine;
using LstmMlNet.Tests.Infrastructure;
using LstmMlNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LstmMlNet.Tests.Training;

public sealed class TrainingLoopTests
{
    private static SequenceNetwork AddingNetwork(RecurrentCellKind cell, int seed, int hidden = 32)
    {
        random.manual_seed(seed);
        return new SequenceNetwork(new NetworkSpec(new FrameInput(2), Outputs: 1, Cell: cell, HiddenSize: hidden));
    }

    [Theory]
    [InlineData(RecurrentCellKind.Lstm)]
    [InlineData(RecurrentCellKind.Gru)]
    public void Gated_cells_learn_the_adding_problem_at_T30(RecurrentCellKind cell)
    {
        var train = AddingProblem.Create(2000, 30, seed: 1);
        var validation = AddingProblem.Create(400, 30, seed: 2);
        using var network = AddingNetwork(cell, 7);
        var options = new TrainingOptions { Epochs = 12, BatchSize = 32, LearningRate = 1e-2, EarlyStoppingPatience = 0 };
        TrainingResult result = TrainingLoop.Run(network, new RegressionObjective(), train, validation, options, seed: 3, CPU);
        double mse = result.History[result.BestEpoch - 1].ValidationLoss!.Value;
        // Chance level (always predicting 1.0) is 1/6 ≈ 0.167.
        Assert.True(mse < 0.01, $"{cell}: validation MSE {mse:F4} after {result.History.Count} epochs");
        Assert.Equal(12, result.History.Count);
    }

    [Fact]
    public void A_time_budget_stops_after_the_epoch_that_would_overrun_it_and_at_least_one_runs()
    {
        var data = AddingProblem.Create(200, 10, seed: 4);
        var validation = AddingProblem.Create(50, 10, seed: 5);
        var messages = new List<string>();
        var log = new Microsoft.ML.MLContext();
        log.Log += (_, e) => messages.Add(e.Message);
        using var channel = ((Microsoft.ML.Runtime.IHostEnvironment)log).Start("budget");
        using var network = AddingNetwork(RecurrentCellKind.Lstm, 5, hidden: 8);
        var tiny = new TrainingOptions { Epochs = 40, BatchSize = 16, TimeBudget = TimeSpan.FromTicks(1) };
        TrainingResult stopped = TrainingLoop.Run(network, new RegressionObjective(), data, validation, tiny, seed: 5, CPU, channel);
        Assert.Single(stopped.History);
        Assert.True(stopped.StoppedEarly);
        Assert.Contains(messages, m => m.Contains("time budget", StringComparison.Ordinal) && m.Contains("after epoch 1 of 40", StringComparison.Ordinal));

        using var other = AddingNetwork(RecurrentCellKind.Lstm, 5, hidden: 8);
        var ample = new TrainingOptions { Epochs = 3, BatchSize = 16, TimeBudget = TimeSpan.FromHours(1), EarlyStoppingPatience = 0 };
        TrainingResult whole = TrainingLoop.Run(other, new RegressionObjective(), data, validation, ample, seed: 5, CPU);
        Assert.Equal(3, whole.History.Count);
        Assert.False(whole.StoppedEarly);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { TimeBudget = TimeSpan.Zero }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new LstmForecastingOptions { InputColumnName = "y", TimeBudget = TimeSpan.FromSeconds(-1) }.Validate());
    }

    [Fact]
    public void Same_seed_gives_bit_identical_weights_and_another_seed_does_not()
    {
        var data = AddingProblem.Create(200, 10, seed: 4);
        var options = new TrainingOptions { Epochs = 2, BatchSize = 16, ValidationFraction = 0 };

        Dictionary<string, Tensor> Train(int seed)
        {
            using var network = AddingNetwork(RecurrentCellKind.Lstm, seed, hidden: 8);
            TrainingLoop.Run(network, new RegressionObjective(), data, null, options, seed, CPU);
            return network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        }

        var a = Train(5);
        var b = Train(5);
        var c = Train(6);
        foreach (var (name, tensor) in a)
        {
            Assert.True(TensorAssert.Identical(tensor, b[name]), $"{name} differs between two runs with the same seed");
        }
        Assert.Contains(a, kv => !TensorAssert.Identical(kv.Value, c[kv.Key]));
    }

    /// <summary>Weight averaging: a fit of 2 epochs and 3 averaging epochs returns the mean of the weights that fits of 3, 4
    /// and 5 epochs (same seed and a constant rate, so the same epochs) end with; one averaging epoch is one more epoch.</summary>
    [Fact]
    public void Averaging_the_last_epochs_returns_the_mean_of_their_weights()
    {
        var data = AddingProblem.Create(200, 10, seed: 4);

        Dictionary<string, Tensor> Train(int epochs, int average)
        {
            using var network = AddingNetwork(RecurrentCellKind.Lstm, 5, hidden: 8);
            var options = new TrainingOptions { Epochs = epochs, BatchSize = 16, ValidationFraction = 0, AveragingEpochs = average };
            TrainingResult result = TrainingLoop.Run(network, new RegressionObjective(), data, null, options, seed: 5, CPU);
            Assert.Equal(epochs + average, result.History.Count);
            return network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        }

        var three = Train(3, 0);
        var four = Train(4, 0);
        var five = Train(5, 0);
        var averaged = Train(2, 3);
        var one = Train(4, 1);
        foreach (var (name, tensor) in averaged)
        {
            float[] a = three[name].data<float>().ToArray(), b = four[name].data<float>().ToArray(), c = five[name].data<float>().ToArray();
            float[] actual = tensor.data<float>().ToArray();
            for (int i = 0; i < actual.Length; i++) Assert.Equal((a[i] + b[i] + c[i]) / 3f, actual[i], 5);
            Assert.True(TensorAssert.Identical(five[name], one[name]), $"{name}: averaging one epoch changed the weights");
        }
        Assert.Contains(averaged, kv => !TensorAssert.Identical(kv.Value, five[kv.Key]));
    }

    [Fact]
    public void A_negative_number_of_averaging_epochs_is_named()
    {
        var error = Assert.ThrowsAny<ArgumentException>(new LstmBinaryTrainer.Options { WeightAveragingEpochs = -1 }.Validate);
        Assert.Contains("WeightAveragingEpochs", error.Message, StringComparison.Ordinal);
        Assert.Contains("got -1", error.Message, StringComparison.Ordinal);
        new LstmBinaryTrainer.Options { WeightAveragingEpochs = 0 }.Validate();
        new LstmBinaryTrainer.Options { WeightAveragingEpochs = null }.Validate();
    }

    [Fact]
    public void Early_stopping_restores_the_best_epoch_weights_and_reports_progress()
    {
        var train = AddingProblem.Create(64, 10, seed: 8);
        var validation = AddingProblem.Create(64, 10, seed: 9);
        using var network = AddingNetwork(RecurrentCellKind.Gru, 1, hidden: 64);
        var reports = new List<TrainingProgress>();
        // A large rate on tiny data overfits quickly, so the validation loss turns up.
        var options = new TrainingOptions
        {
            Epochs = 60, BatchSize = 8, LearningRate = 3e-2, EarlyStoppingPatience = 2,
            Progress = new SynchronousProgress<TrainingProgress>(reports.Add),
        };
        TrainingResult result = TrainingLoop.Run(network, new RegressionObjective(), train, validation, options, seed: 1, CPU);

        Assert.True(result.StoppedEarly, "expected early stopping within 60 epochs");
        Assert.Equal(result.History.Count, reports.Count);
        Assert.Equal(Enumerable.Range(1, reports.Count), reports.Select(r => r.Epoch));
        double best = reports.Min(r => r.ValidationLoss!.Value);
        Assert.Equal(best, reports[result.BestEpoch - 1].ValidationLoss!.Value);
        Assert.True(reports[^1].ValidationLoss > best);
        var (restored, _) = TrainingLoop.Evaluate(network, new RegressionObjective(), validation, 8, CPU);
        Assert.Equal(best, restored, 5);
        Assert.Contains("validation loss", reports[0].ToString());
    }

    [Fact]
    public void Cancellation_stops_training_with_OperationCanceledException()
    {
        var data = AddingProblem.Create(200, 10, seed: 4);
        using var network = AddingNetwork(RecurrentCellKind.Lstm, 1, hidden: 8);
        using var cts = new CancellationTokenSource();
        var options = new TrainingOptions
        {
            Epochs = 50, BatchSize = 16, ValidationFraction = 0, CancellationToken = cts.Token,
            Progress = new SynchronousProgress<TrainingProgress>(p => { if (p.Epoch == 2) cts.Cancel(); }),
        };
        Assert.ThrowsAny<OperationCanceledException>(() => TrainingLoop.Run(network, new RegressionObjective(), data, null, options, 1, CPU));
    }

    [Fact]
    public void Invalid_options_name_the_option_and_value()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { BatchSize = 0 }.Validate());
        Assert.Equal("BatchSize", ex.ParamName);
        Assert.Contains("got 0", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { LearningRate = double.NaN }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { ValidationFraction = 1 }.Validate());
    }

    [Fact]
    public void Gradient_clipping_bounds_the_update_of_one_sgd_step()
    {
        var data = AddingProblem.Create(32, 10, seed: 4);
        Tensor Step(double clip)
        {
            using var network = AddingNetwork(RecurrentCellKind.RnnTanh, 2, hidden: 8);
            Tensor before = nn.utils.parameters_to_vector(network.parameters()).detach().clone();
            var options = new TrainingOptions { Epochs = 1, BatchSize = 32, Optimizer = OptimizerKind.Sgd, Momentum = 0, LearningRate = 1.0, GradientClipNorm = clip, ValidationFraction = 0 };
            TrainingLoop.Run(network, new RegressionObjective(), data, null, options, 1, CPU);
            return nn.utils.parameters_to_vector(network.parameters()).detach() - before;
        }
        // One SGD step with rate 1 moves the weights by exactly the (clipped) gradient.
        Assert.Equal(0.01, Step(0.01).norm().item<float>(), 4);
        Assert.True(Step(0).norm().item<float>() > 0.05);
    }

    [Fact]
    public void Truncated_bptt_with_a_chunk_as_long_as_the_sequence_equals_full_bptt()
    {
        var random = new Random(3);
        var frames = Enumerable.Range(0, 16).Select(_ => Enumerable.Range(0, 12 * 2).Select(_ => (float)random.NextDouble()).ToArray()).ToList();
        var steps = frames.Select(f => Enumerable.Range(0, 12).Select(t => f[2 * t] - f[2 * t + 1]).ToArray()).ToList();
        var data = SequenceDataset.FromFramesWithStepTargets(frames, 2, steps, 1);

        Tensor Train(int chunk)
        {
            using var network = AddingNetwork(RecurrentCellKind.Lstm, 4, hidden: 6);
            var options = new TrainingOptions { Epochs = 2, BatchSize = 16, ValidationFraction = 0, TruncatedBpttSteps = chunk };
            TrainingLoop.Run(network, new StepRegressionObjective(), data, null, options, 1, CPU);
            return nn.utils.parameters_to_vector(network.parameters()).detach().clone();
        }

        Tensor full = Train(0);
        Assert.True(TensorAssert.Identical(full, Train(12)), "one chunk of T steps must be plain BPTT");
        Tensor truncated = Train(4);
        Assert.False(TensorAssert.Identical(full, truncated), "three chunks take three optimiser steps per batch");
        Assert.True(truncated.isfinite().all().item<bool>());
    }

    [Theory]
    [InlineData(12)]
    [InlineData(20)]
    public void Truncated_bptt_with_chunks_at_least_as_long_as_the_sequence_gives_the_loss_and_gradients_of_full_bptt(int chunk)
    {
        var random = new Random(5);
        var frames = Enumerable.Range(0, 8).Select(_ => Enumerable.Range(0, 12 * 2).Select(_ => (float)random.NextDouble()).ToArray()).ToList();
        var steps = frames.Select(f => Enumerable.Range(0, 12).Select(t => f[2 * t] + f[2 * t + 1]).ToArray()).ToList();
        var data = SequenceDataset.FromFramesWithStepTargets(frames, 2, steps, 1);
        using var network = AddingNetwork(RecurrentCellKind.Lstm, 6, hidden: 5);
        var objective = new StepRegressionObjective();
        SequenceBatch batch = BatchBuilder.Build(data, Enumerable.Range(0, data.Count).ToArray(), CPU);

        (float Loss, Tensor[] Gradients) Backward(Tensor loss)
        {
            foreach (var p in network.parameters()) p.grad?.zero_();
            loss.backward();
            return (loss.item<float>(), network.parameters().Select(p => p.grad!.detach().clone()).ToArray());
        }

        var full = Backward(objective.Loss(network, batch));
        Tensor[] chunks = objective.ChunkLosses(network, batch, chunk).ToArray();
        Assert.Single(chunks); // k ≥ T: one chunk, one optimiser step per batch, as full BPTT
        var truncated = Backward(chunks[0]);
        Assert.Equal(full.Loss, truncated.Loss, 6);
        Assert.Equal(full.Gradients.Length, truncated.Gradients.Length);
        for (int i = 0; i < full.Gradients.Length; i++)
        {
            Assert.True(full.Gradients[i].abs().sum().item<float>() > 0, $"parameter {i} has no gradient");
            Assert.True(full.Gradients[i].allclose(truncated.Gradients[i], rtol: 1e-5, atol: 1e-7), $"parameter {i}: gradients differ");
        }
    }

    [Theory]
    [InlineData(LearningRateSchedule.Constant, 0, 3, 0, 1e-3)]
    [InlineData(LearningRateSchedule.Step, 0, 4, 0, 1e-3 * 0.25)]
    [InlineData(LearningRateSchedule.Cosine, 0, 5, 0, 5e-4)]
    [InlineData(LearningRateSchedule.Constant, 2, 0, 4, 1e-3 * 5 / 20)]
    public void Learning_rate_plan_follows_warmup_and_schedule(LearningRateSchedule schedule, double warmup, int epoch, int step, double expected)
    {
        var options = new TrainingOptions { Epochs = 10, LearningRate = 1e-3, Schedule = schedule, StepEpochs = 2, StepGamma = 0.5, WarmupEpochs = warmup };
        Assert.Equal(expected, LearningRatePlan.At(options, epoch, step, stepsPerEpoch: 10), 12);
    }
}

/// <summary>An IProgress that reports on the calling thread (Progress&lt;T&gt; posts to the thread pool).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
