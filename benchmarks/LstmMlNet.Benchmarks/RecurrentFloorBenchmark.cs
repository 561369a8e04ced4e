using BenchmarkDotNet.Attributes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LstmMlNet.Benchmarks;

/// <summary>
/// Forward + backward of one recurrent layer (libtorch's fused CPU nn.LSTM / nn.GRU, batch first, gradient of the sum of
/// the outputs) against the matrix products alone that such a step needs — its GEMM floor at the same shape, measured in
/// the same run: the input projection of all steps as one GEMM, one recurrent product per step forward and one per step
/// backward, and the input gradient and both weight gradients as one GEMM each over all steps. Both sides do
/// 3 · 2·B·T·G·H·(I + H) floating-point operations (G = 4 gates for LSTM, 3 for GRU), so GFLOP/s = that / time.
/// </summary>
[Config(typeof(InProcessConfig))]
public class RecurrentFloorBenchmark
{
    private GemmFloor floor = null!;
    private LSTM? lstm;
    private GRU? gru;
    private Tensor input = null!;

    /// <summary>Batch, steps, input, hidden.</summary>
    [Params("64,100,32,128", "32,50,64,256")]
    public string Shape { get; set; } = "64,100,32,128";

    /// <summary>The cell.</summary>
    [Params("LSTM", "GRU")]
    public string Cell { get; set; } = "LSTM";

    private int B, T, I, H, G;

    [GlobalSetup]
    public void Setup()
    {
        int[] s = Shape.Split(',').Select(int.Parse).ToArray();
        (B, T, I, H) = (s[0], s[1], s[2], s[3]);
        G = Cell == "LSTM" ? 4 : 3;
        torch.random.manual_seed(1);
        input = randn(B, T, I).requires_grad_(true);
        if (Cell == "LSTM") lstm = nn.LSTM(I, H, 1, batchFirst: true);
        else gru = nn.GRU(I, H, 1, batchFirst: true);
        floor = new GemmFloor(B, T, I, H, G);
    }

    [Benchmark(Baseline = true, Description = "libtorch fused layer, forward + backward")]
    public float LibTorch()
    {
        using var scope = NewDisposeScope();
        input.grad?.zero_();
        foreach (var p in lstm is not null ? lstm.parameters() : gru!.parameters()) p.grad?.zero_();
        Tensor output = lstm is not null ? lstm.call(input, null).Item1 : gru!.call(input, null).Item1;
        output.sum().backward();
        return input.grad!.data<float>()[0];
    }

    [Benchmark(Description = "GEMM floor: the matrix products only")]
    public float MatrixProducts() => floor.Run();
}
