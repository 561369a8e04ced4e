using static TorchSharp.torch;

namespace LstmMlNet.Benchmarks;

/// <summary>
/// The GEMM floor of one recurrent layer's training step (forward + backward) at one shape: the matrix products such a
/// step needs and nothing else — the input projection of all steps as one GEMM, one recurrent product per step forward
/// and one per step backward, and the input gradient and both weight gradients as one GEMM each over all steps,
/// 3 · 2·B·T·G·H·(I + H) floating-point operations in all. Random float32 operands, created from the current torch seed.
/// Shared by <see cref="RecurrentFloorBenchmark"/> and <see cref="CpuRecurrentLayerBenchmark"/>.
/// </summary>
internal sealed class GemmFloor
{
    private readonly Tensor x, wIh, wHh, h, gradGates, gradAll, hAll;
    private readonly int batch, steps, hidden;

    /// <summary>Operands for batch <paramref name="b"/>, steps <paramref name="t"/>, input size <paramref name="i"/>,
    /// hidden size <paramref name="hiddenSize"/> and <paramref name="gates"/> gate blocks (4 LSTM, 3 GRU).</summary>
    public GemmFloor(int b, int t, int i, int hiddenSize, int gates)
    {
        (batch, steps, hidden) = (b, t, hiddenSize);
        x = randn(b * t, i);
        wIh = randn(gates * hiddenSize, i) * 0.1;
        wHh = randn(gates * hiddenSize, hiddenSize) * 0.1;
        h = randn(b, hiddenSize);
        gradGates = randn(b, gates * hiddenSize);
        gradAll = randn(b * t, gates * hiddenSize);
        hAll = randn(b * t, hiddenSize);
    }

    /// <summary>Runs the products once, gradients off; returns a sum of one value of each result (so none is skipped).</summary>
    public float Run()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor projection = x.matmul(wIh.t());                        // [B·T, GH] input projection, all steps
        Tensor wHhT = wHh.t();
        Tensor state = h;
        for (int t = 0; t < steps; t++) state = projection.narrow(0, t * batch, batch).addmm(state, wHhT).narrow(1, 0, hidden); // forward recurrence
        Tensor dh = h;
        for (int t = 0; t < steps; t++) dh = gradGates.matmul(wHh);   // backward recurrence [B, GH]·[GH, H]
        Tensor dx = gradAll.matmul(wIh);                              // input gradient, all steps
        Tensor dWih = gradAll.t().matmul(x);                          // [GH, I] over all steps
        Tensor dWhh = gradAll.t().matmul(hAll);                       // [GH, H] over all steps
        return state[0, 0].item<float>() + dh[0, 0].item<float>() + dx[0, 0].item<float>() + dWih[0, 0].item<float>() + dWhh[0, 0].item<float>();
    }
}
