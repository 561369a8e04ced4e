using BenchmarkDotNet.Attributes;
using LstmMlNet.Engine;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LstmMlNet.Benchmarks;

/// <summary>
/// One training step (forward + backward, gradient of the sum of the outputs, every parameter and the input with
/// gradients) of one recurrent layer on the CPU: LstmMlNet's fused layer (<see cref="CpuLstmLayer"/> /
/// <see cref="CpuGruLayer"/>) against libtorch's <c>nn.LSTM</c> / <c>nn.GRU</c> (baseline) and against the GEMM floor of
/// the same shape, all in one run. The floor is the matrix products such a step needs and nothing else: the input
/// projection of all steps as one GEMM, one recurrent GEMM per step forward and one per step backward, and the input
/// gradient and both weight gradients as one GEMM each. All three do 3 · 2·B·T·G·H·(I + H) floating-point operations
/// in their products (G = 4 gates for LSTM, 3 for GRU); GFLOP/s = that / time.
/// </summary>
[Config(typeof(InProcessConfig))]
public class CpuRecurrentLayerBenchmark
{
    private LSTM? lstm;
    private GRU? gru;
    private Tensor input = null!, h0 = null!, c0 = null!;
    private Parameter[] weights = null!;
    private GemmFloor floor = null!;
    private int B, T, I, H, G;

    /// <summary>Batch, steps, input, hidden.</summary>
    [Params("64,100,32,128", "32,50,64,256")]
    public string Shape { get; set; } = "64,100,32,128";

    /// <summary>The cell.</summary>
    [Params("LSTM", "GRU")]
    public string Cell { get; set; } = "LSTM";

    [GlobalSetup]
    public void Setup()
    {
        int[] s = Shape.Split(',').Select(int.Parse).ToArray();
        (B, T, I, H) = (s[0], s[1], s[2], s[3]);
        G = Cell == "LSTM" ? 4 : 3;
        torch.random.manual_seed(1);
        input = randn(B, T, I).requires_grad_(true);
        h0 = zeros(1, B, H);
        c0 = zeros(1, B, H);
        if (Cell == "LSTM") lstm = nn.LSTM(I, H, 1, batchFirst: true);
        else gru = nn.GRU(I, H, 1, batchFirst: true);
        nn.Module module = (nn.Module?)lstm ?? gru!;
        weights = new[] { "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0" }.Select(n => (Parameter)module.get_parameter(n)!).ToArray();
        floor = new GemmFloor(B, T, I, H, G);
    }

    private void ZeroGrads()
    {
        input.grad?.zero_();
        foreach (var p in weights) p.grad?.zero_();
    }

    [Benchmark(Baseline = true, Description = "libtorch nn.LSTM/nn.GRU, forward + backward")]
    public float LibTorch()
    {
        using var scope = NewDisposeScope();
        ZeroGrads();
        Tensor output = lstm is not null ? lstm.call(input, null).Item1 : gru!.call(input, null).Item1;
        output.sum().backward();
        return input.grad!.data<float>()[0];
    }

    [Benchmark(Description = "LstmMlNet CpuLstmLayer/CpuGruLayer, forward + backward")]
    public float FusedCpuLayer()
    {
        using var scope = NewDisposeScope();
        ZeroGrads();
        Tensor output = lstm is not null
            ? CpuLstmLayer.Apply(input, h0, c0, weights[0], weights[1], weights[2], weights[3])
            : CpuGruLayer.Apply(input, h0, weights[0], weights[1], weights[2], weights[3]);
        output.sum().backward();
        return input.grad!.data<float>()[0];
    }

    /// <summary>The fused layer's forward pass alone (gradients on, so it keeps what its backward would need).</summary>
    public float OursForward()
    {
        using var scope = NewDisposeScope();
        Tensor output = lstm is not null
            ? CpuLstmLayer.Apply(input, h0, c0, weights[0], weights[1], weights[2], weights[3])
            : CpuGruLayer.Apply(input, h0, weights[0], weights[1], weights[2], weights[3]);
        return output.data<float>()[0];
    }

    /// <summary>libtorch's layer's forward pass alone (gradients on).</summary>
    public float TorchForward()
    {
        using var scope = NewDisposeScope();
        Tensor output = lstm is not null ? lstm.call(input, null).Item1 : gru!.call(input, null).Item1;
        return output.data<float>()[0];
    }

    [Benchmark(Description = "GEMM floor: the matrix products only")]
    public float MatrixProducts() => floor.Run();
}
