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
    private Tensor x = null!, wIh = null!, wHh = null!, h = null!, gradGates = null!, gradAll = null!, hAll = null!;
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
        x = randn(B * T, I);
        wIh = randn(G * H, I) * 0.1;
        wHh = randn(G * H, H) * 0.1;
        h = randn(B, H);
        gradGates = randn(B, G * H);
        gradAll = randn(B * T, G * H);
        hAll = randn(B * T, H);
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
    public float MatrixProducts()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor projection = x.matmul(wIh.t());                        // [B·T, GH] input projection, all steps
        Tensor wHhT = wHh.t();
        Tensor state = h;
        for (int t = 0; t < T; t++) state = projection.narrow(0, t * B, B).addmm(state, wHhT).narrow(1, 0, H); // forward recurrence
        Tensor dh = h;
        for (int t = 0; t < T; t++) dh = gradGates.matmul(wHh);       // backward recurrence [B, GH]·[GH, H]
        Tensor dx = gradAll.matmul(wIh);                              // input gradient, all steps
        Tensor dWih = gradAll.t().matmul(x);                          // [GH, I] over all steps
        Tensor dWhh = gradAll.t().matmul(hAll);                       // [GH, H] over all steps
        return state[0, 0].item<float>() + dh[0, 0].item<float>() + dx[0, 0].item<float>() + dWih[0, 0].item<float>() + dWhh[0, 0].item<float>();
    }
}
