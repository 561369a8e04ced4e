using System.Diagnostics;
using LstmMlNet;
using LstmMlNet.Data;
using LstmMlNet.Engine;
using LstmMlNet.Training;
using static TorchSharp.torch;

namespace GradientFlowSample;

/// <summary>Test MSE of one trained model, the MSE of always predicting 1.0 on the same rows, and the wall time.</summary>
internal sealed record AddingResult(double TestMse, double BaselineMse, double Seconds);

/// <summary>
/// The adding problem (Hochreiter &amp; Schmidhuber 1997): every step carries a value in U(0, 1) and a marker; two
/// steps are marked, one in each half, and the target is the sum of their two values. The answer depends on steps
/// up to T apart, so a cell whose gradient vanishes over T steps stays at the baseline of predicting the mean, 1.0
/// (MSE 1/6 ≈ 0.167). Trained with the library's own loop (frames → encoder → last step → linear head, MSE).
/// </summary>
internal static class AddingExperiment
{
    public static AddingResult Run(RecurrentCellKind cell, int steps, int trainRows, int testRows, int epochs, int seed)
    {
        var clock = Stopwatch.StartNew();
        SequenceDataset train = Create(trainRows, steps, seed);
        SequenceDataset test = Create(testRows, steps, seed + 1000);
        random.manual_seed(seed);
        using var network = new SequenceNetwork(new NetworkSpec(new FrameInput(2), Outputs: 1, Cell: cell, HiddenSize: 32, Pooling: PoolingKind.Last));
        var options = new TrainingOptions { Epochs = epochs, BatchSize = 32, LearningRate = 1e-2, EarlyStoppingPatience = 0, ValidationFraction = 0 };
        var objective = new RegressionObjective();
        TrainingLoop.Run(network, objective, train, null, options, seed, CPU);
        var (mse, _) = TrainingLoop.Evaluate(network, objective, test, 256, CPU);
        double baseline = Enumerable.Range(0, test.Count).Average(i => Math.Pow(test.Targets![i] - 1.0, 2));
        return new AddingResult(mse, baseline, clock.Elapsed.TotalSeconds);
    }

    private static SequenceDataset Create(int count, int steps, int seed)
    {
        var random = new Random(seed);
        var frames = new float[count][];
        var targets = new float[count];
        for (int n = 0; n < count; n++)
        {
            var f = new float[2 * steps];
            for (int t = 0; t < steps; t++) f[2 * t] = (float)random.NextDouble();
            int first = random.Next(steps / 2);
            int second = steps / 2 + random.Next(steps - steps / 2);
            f[2 * first + 1] = 1f;
            f[2 * second + 1] = 1f;
            frames[n] = f;
            targets[n] = f[2 * first] + f[2 * second];
        }
        return SequenceDataset.FromFrames(frames, 2, targets, 1);
    }
}
