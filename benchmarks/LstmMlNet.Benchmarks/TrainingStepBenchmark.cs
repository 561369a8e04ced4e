using BenchmarkDotNet.Attributes;
using LstmMlNet.Data;
using LstmMlNet.Engine;
using LstmMlNet.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LstmMlNet.Benchmarks;

/// <summary>
/// One training step — batch 64, T = 100, input 32, hidden 128, one LSTM layer, linear head, MSE, Adam, clipping
/// at norm 5 — through our data batching + network + objective + loop step (fused and explicit paths), against a
/// hand-written TorchSharp nn.LSTM loop over tensors built once.
/// </summary>
[Config(typeof(InProcessConfig))]
[MemoryDiagnoser]
public class TrainingStepBenchmark
{
    private const int Batch = 64, Steps = 100, Input = 32, Hidden = 128;

    private SequenceDataset data = null!;
    private int[] indices = null!;
    private SequenceNetwork ours = null!;
    private SequenceNetwork oursExplicit = null!;
    private RegressionObjective objective = null!;
    private DenseOptimizer ourOptimizer = null!;
    private DenseOptimizer explicitOptimizer = null!;

    private LSTM lstm = null!;
    private Linear head = null!;
    private Parameter[] baselineParameters = null!;
    private optim.Optimizer baselineOptimizer = null!;
    private Tensor x = null!;
    private Tensor y = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        var frames = Enumerable.Range(0, Batch).Select(_ => Enumerable.Range(0, Steps * Input).Select(_ => (float)random.NextDouble()).ToArray()).ToArray();
        var targets = Enumerable.Range(0, Batch).Select(_ => (float)random.NextDouble()).ToArray();
        data = SequenceDataset.FromFrames(frames, Input, targets, 1);
        indices = Enumerable.Range(0, Batch).ToArray();
        objective = new RegressionObjective();

        torch.random.manual_seed(1);
        var spec = new NetworkSpec(new FrameInput(Input), Outputs: 1, Cell: RecurrentCellKind.Lstm, HiddenSize: Hidden);
        ours = new SequenceNetwork(spec);
        ourOptimizer = DenseOptimizer.Create(ours.parameters(), new TrainingOptions());
        oursExplicit = new SequenceNetwork(spec);
        explicitOptimizer = DenseOptimizer.Create(oursExplicit.parameters(), new TrainingOptions());

        lstm = nn.LSTM(Input, Hidden, 1, batchFirst: true);
        head = nn.Linear(Hidden, 1);
        baselineParameters = lstm.parameters().Concat(head.parameters()).ToArray();
        baselineOptimizer = optim.Adam(baselineParameters, 1e-3);
        x = tensor(frames.SelectMany(f => f).ToArray(), new long[] { Batch, Steps, Input });
        y = tensor(targets, new long[] { Batch, 1 });
    }

    [Benchmark(Baseline = true, Description = "hand-written nn.LSTM loop")]
    public double HandWritten()
    {
        using var scope = NewDisposeScope();
        var (output, _, _) = lstm.call(x, null);
        Tensor prediction = head.call(output.select(1, Steps - 1));
        Tensor loss = nn.functional.mse_loss(prediction, y);
        baselineOptimizer.zero_grad();
        loss.backward();
        nn.utils.clip_grad_norm_(baselineParameters, 5.0);
        baselineOptimizer.step();
        return loss.item<float>();
    }

    [Benchmark(Description = "LstmMlNet step, fused path")]
    public double OursFused() => OurStep(ours, ourOptimizer, RecurrentPath.Fused);

    [Benchmark(Description = "LstmMlNet step, explicit path")]
    public double OursExplicit() => OurStep(oursExplicit, explicitOptimizer, RecurrentPath.Explicit);

    private double OurStep(SequenceNetwork network, DenseOptimizer optimizer, RecurrentPath path)
    {
        using var scope = NewDisposeScope();
        SequenceBatch batch = BatchBuilder.Build(data, indices, CPU);
        Tensor loss = path == RecurrentPath.Fused
            ? objective.Loss(network, batch)
            : nn.functional.mse_loss(network.Forward(batch.Inputs, batch.Lengths, RecurrentPath.Explicit), batch.Targets);
        return TrainingLoop.ApplyStep(optimizer, network.parameters(), loss, 5.0);
    }
}
