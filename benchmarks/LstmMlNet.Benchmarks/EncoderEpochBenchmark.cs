using BenchmarkDotNet.Attributes;
using LstmMlNet.Engine;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LstmMlNet.Benchmarks;

/// <summary>
/// One epoch of encoder forward + backward (no optimizer) over the batches of <see cref="TrainerThroughputBenchmark"/>'s
/// shape — 1,000 rows of 10–60 steps in length-sorted batches of 32, input 128, bidirectional LSTM H = 128, loss the
/// sum of the outputs — through the encoder's two exact ways of running mixed lengths while training: packed (what it
/// did before, still taken when the caller asks for the final cell state) and padded per layer and direction (what
/// it does now). Baseline: nn.LSTM on the padded batches, ignoring lengths (not exact; the kernel's own speed).
/// </summary>
[Config(typeof(LongRunConfig))]
public class EncoderEpochBenchmark
{
    private const int Rows = 1000, Batch = 32, Input = 128, Hidden = 128;

    private (Tensor X, Tensor Lengths)[] batches = null!;
    private RecurrentEncoder encoder = null!;
    private LSTM lstm = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        long[] lengths = Enumerable.Range(0, Rows).Select(_ => (long)random.Next(10, 61)).OrderBy(l => l).ToArray();
        torch.random.manual_seed(1);
        batches = lengths.Chunk(Batch).Select(chunk => (randn(chunk.Length, chunk.Max(), Input), tensor(chunk))).ToArray();
        encoder = new RecurrentEncoder(new EncoderSpec(RecurrentCellKind.Lstm, Input, Hidden, 1, true));
        lstm = nn.LSTM(Input, Hidden, 1, batchFirst: true, bidirectional: true);
    }

    [Benchmark(Baseline = true, Description = "nn.LSTM on padded batches, lengths ignored")]
    public double Unmasked()
    {
        double sum = 0;
        foreach (var (x, _) in batches)
        {
            using var scope = NewDisposeScope();
            lstm.zero_grad();
            var (output, _, _) = lstm.call(x, null);
            Tensor loss = output.sum();
            loss.backward();
            sum += loss.item<float>();
        }
        return sum;
    }

    [Benchmark(Description = "encoder, packed")]
    public double Packed() => Epoch(finalCellState: true);

    [Benchmark(Description = "encoder, padded per direction")]
    public double Padded() => Epoch(finalCellState: false);

    private double Epoch(bool finalCellState)
    {
        double sum = 0;
        foreach (var (x, lengths) in batches)
        {
            using var scope = NewDisposeScope();
            encoder.zero_grad();
            Tensor loss = encoder.Forward(x, lengths, finalCellState: finalCellState).Output.sum();
            loss.backward();
            sum += loss.item<float>();
        }
        return sum;
    }
}
