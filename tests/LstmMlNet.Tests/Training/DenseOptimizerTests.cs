using LstmMlNet.Data;
using LstmMlNet.Engine;
using LstmMlNet.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LstmMlNet.Tests.Training;

/// <summary>
/// The library's own Adam, AdamW and SGD (<see cref="DenseOptimizer"/>: no temporary Scalars) against TorchSharp's
/// <c>optim.Adam</c>, <c>optim.AdamW</c> and <c>optim.SGD</c>: two copies of one network, the same batches, many steps.
/// </summary>
public sealed class DenseOptimizerTests
{
    private static SequenceNetwork Network()
    {
        random.manual_seed(5);
        var spec = new NetworkSpec(new TokenInput(12, 6), 3, RecurrentCellKind.Lstm, HiddenSize: 5, Bidirectional: true);
        return new SequenceNetwork(spec);
    }

    private static SequenceBatch Batch(int step)
    {
        var random = new Random(step);
        long[][] rows = Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, random.Next(2, 7)).Select(_ => (long)random.Next(1, 12)).ToArray()).ToArray();
        return BatchBuilder.Build(SequenceDataset.FromTokens(rows, rows.Select((_, i) => (long)(i % 3)).ToArray()), Enumerable.Range(0, rows.Length).ToArray(), CPU);
    }

    private static optim.Optimizer TorchSharpOptimizer(IEnumerable<Parameter> parameters, TrainingOptions o) => o.Optimizer switch
    {
        OptimizerKind.Adam => optim.Adam(parameters, o.LearningRate, weight_decay: o.WeightDecay),
        OptimizerKind.AdamW => optim.AdamW(parameters, o.LearningRate, weight_decay: o.WeightDecay),
        _ => optim.SGD(parameters, o.LearningRate, momentum: o.Momentum, weight_decay: o.WeightDecay),
    };

    [Theory]
    [InlineData(OptimizerKind.Adam, 0.0, 0.0)]
    [InlineData(OptimizerKind.Adam, 0.01, 0.0)]
    [InlineData(OptimizerKind.AdamW, 0.01, 0.0)]
    [InlineData(OptimizerKind.AdamW, 0.0, 0.0)]
    [InlineData(OptimizerKind.Sgd, 0.0, 0.9)]
    [InlineData(OptimizerKind.Sgd, 0.01, 0.9)]
    [InlineData(OptimizerKind.Sgd, 0.0, 0.0)]
    public void Equals_TorchSharps_optimiser_over_many_steps(OptimizerKind kind, double weightDecay, double momentum)
    {
        var options = new TrainingOptions { Optimizer = kind, WeightDecay = weightDecay, Momentum = momentum, LearningRate = kind == OptimizerKind.Sgd ? 0.05 : 0.01 };
        var objective = new MulticlassObjective();
        SequenceNetwork ours = Network(), theirs = Network();
        Parameter[] ourParameters = ours.parameters().ToArray(), theirParameters = theirs.parameters().ToArray();
        using DenseOptimizer our = DenseOptimizer.Create(ourParameters, options);
        using optim.Optimizer their = TorchSharpOptimizer(theirParameters, options);
        for (int step = 0; step < 60; step++)
        {
            using var scope = NewDisposeScope();
            // The learning rate changes as the loop's schedule changes it.
            double lr = options.LearningRate * (1 - step / 120.0);
            our.LearningRate = lr;
            foreach (var group in their.ParamGroups) group.LearningRate = lr;
            SequenceBatch batch = Batch(step);
            our.ZeroGrad();
            objective.Loss(ours, batch).backward();
            our.Step();
            their.zero_grad();
            objective.Loss(theirs, batch).backward();
            their.step();
        }
        for (int k = 0; k < ourParameters.Length; k++)
        {
            Tensor moved = theirParameters[k].detach();
            Assert.True(TensorAssertExtensions.MaxAbsDifference(moved, ourParameters[k]) <= 1e-6,
                $"{kind} parameter {k}: max |difference| {TensorAssertExtensions.MaxAbsDifference(moved, ourParameters[k]):E2}");
        }
        // Both moved the weights: the comparison is not between two untouched copies.
        Assert.True(TensorAssertExtensions.MaxAbsDifference(Network().parameters().First(), ourParameters[0]) > 1e-3);
    }

    [Fact]
    public void Skips_parameters_that_never_had_a_gradient_and_steps_those_zeroed_since()
    {
        using var scope = NewDisposeScope();
        Parameter used = new(ones(3)), unused = new(ones(3));
        using DenseOptimizer adam = DenseOptimizer.Create(new[] { used, unused }, new TrainingOptions { LearningRate = 0.1 });
        adam.ZeroGrad();
        used.mul(used).sum().backward();
        adam.Step();
        Assert.Equal(new[] { 1f, 1f, 1f }, unused.data<float>().ToArray());
        Assert.All(used.data<float>().ToArray(), v => Assert.Equal(0.9f, v, 5));
        // Zeroed (not dropped) gradients keep Adam's first moment moving the weights, as TorchSharp's zero_grad does.
        adam.ZeroGrad();
        adam.Step();
        Assert.All(used.data<float>().ToArray(), v => Assert.True(v < 0.9f - 1e-3, $"{v}"));
    }
}

internal static class TensorAssertExtensions
{
    public static double MaxAbsDifference(Tensor a, Tensor b) =>
        (a.detach().to(float64) - b.detach().to(float64)).abs().max().item<double>();
}
