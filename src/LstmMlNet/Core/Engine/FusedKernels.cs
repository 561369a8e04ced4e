using static TorchSharp.torch;

namespace LstmMlNet.Engine;

/// <summary>
/// libtorch's fused recurrent operators (<c>torch.lstm</c>, <c>torch.gru</c>, <c>torch.rnn_tanh</c>, <c>torch.rnn_relu</c>)
/// called on given weight tensors, for one unidirectional layer over a padded, batch-first input. TorchSharp wraps
/// these operators only inside its <c>nn.LSTM/GRU/RNN</c> modules, which own their weights; a tiny TorchScript unit
/// reaches the operators themselves, so <see cref="RecurrentEncoder"/> can run each direction of its module's
/// own parameters separately (autograd records through it as through any eager call).
/// </summary>
internal static class FusedKernels
{
    private const string Script = """
        def lstm(x: Tensor, h0: Tensor, c0: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor, train: bool) -> Tensor:
            return torch.lstm(x, [h0, c0], [w_ih, w_hh, b_ih, b_hh], True, 1, 0.0, train, False, True)[0]

        def gru(x: Tensor, h0: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor, train: bool) -> Tensor:
            return torch.gru(x, h0, [w_ih, w_hh, b_ih, b_hh], True, 1, 0.0, train, False, True)[0]

        def rnn_tanh(x: Tensor, h0: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor, train: bool) -> Tensor:
            return torch.rnn_tanh(x, h0, [w_ih, w_hh, b_ih, b_hh], True, 1, 0.0, train, False, True)[0]

        def rnn_relu(x: Tensor, h0: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor, train: bool) -> Tensor:
            return torch.rnn_relu(x, h0, [w_ih, w_hh, b_ih, b_hh], True, 1, 0.0, train, False, True)[0]
        """;

    private static readonly Lazy<jit.CompilationUnit> Unit = new(() => jit.compile(Script + "\n"), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Runs one unidirectional layer. <paramref name="input"/>: [B, T, I]; <paramref name="h0"/> (and
    /// <paramref name="c0"/> for an LSTM): [1, B, H]. Returns the outputs [B, T, H] at every step, padded ones included.
    /// Where <see cref="UsesCpuLayer(RecurrentCellKind, Tensor, CellWeights)"/> says so, runs <see cref="CpuLstmLayer"/> / <see cref="CpuGruLayer"/> (one autograd
    /// node per layer); everything else runs <see cref="RunLibTorch"/>.
    /// </summary>
    public static Tensor Run(RecurrentCellKind cell, Tensor input, Tensor h0, Tensor? c0, CellWeights w, bool train)
    {
        if (UsesCpuLayer(cell, input, w))
        {
            return cell == RecurrentCellKind.Lstm
                ? CpuLstmLayer.Apply(input, h0, c0 ?? throw new ArgumentNullException(nameof(c0)), w.InputWeight, w.RecurrentWeight, w.InputBias!, w.RecurrentBias!)
                : CpuGruLayer.Apply(input, h0, w.InputWeight, w.RecurrentWeight, w.InputBias!, w.RecurrentBias!);
        }
        return RunLibTorch(cell, input, h0, c0, w, train);
    }

    /// <summary>LSTM gate blocks per call, B·T·4H, from which <see cref="CpuLstmLayer"/> trains faster than libtorch's
    /// kernel under glibc's default allocator (libtorch's CPU LSTM is at its GEMM floor on smaller batches; on larger
    /// ones its workspace blocks are fresh mappings whose pages fault in every step; see benchmarks/README.md, "Fused CPU
    /// layer (issue 20)", "The C allocator" and "The layer threshold at forecasting shapes"): 1.5·2²⁰ float32 values
    /// (6 MiB). libtorch's step jumps 2.5–5× between 1.57 M and 1.64 M gate values (B 32, H 64: T 192 → 200), where the
    /// layer stays within 10% of the GEMM floor; below the jump libtorch is up to 1.6× faster.</summary>
    internal const long CpuLstmLayerMinGateValues = 3L << 19;

    /// <summary>Whether this process was started with glibc serving large blocks from its heaps
    /// (<c>GLIBC_TUNABLES</c> with <c>glibc.malloc.mmap_max=0</c>, the README's setting for large-batch LSTM training):
    /// then libtorch's LSTM is the faster at every measured shape and no LSTM takes the CPU layer.</summary>
    internal static readonly bool LargeBlocksFromHeap = ServesLargeBlocksFromHeap(Environment.GetEnvironmentVariable("GLIBC_TUNABLES"));

    /// <summary>Whether a <c>GLIBC_TUNABLES</c> value turns off glibc's mmap for large blocks (<c>glibc.malloc.mmap_max=0</c>).</summary>
    internal static bool ServesLargeBlocksFromHeap(string? tunables) =>
        OperatingSystem.IsLinux() && tunables is not null
        && tunables.Split(':').Any(t => t.Trim() == "glibc.malloc.mmap_max=0");

    /// <summary>Whether <see cref="Run"/> takes the CPU layer: gradients on, float32 CPU tensors with both biases, and a GRU
    /// (faster than libtorch's at every measured shape), or an LSTM of at least <see cref="CpuLstmLayerMinGateValues"/>
    /// gate values per call unless the process serves large blocks from its heaps (<see cref="LargeBlocksFromHeap"/>).</summary>
    internal static bool UsesCpuLayer(RecurrentCellKind cell, Tensor input, CellWeights w) => UsesCpuLayer(cell, input, w, LargeBlocksFromHeap);

    /// <summary>As <see cref="UsesCpuLayer(RecurrentCellKind, Tensor, CellWeights)"/> for the allocator given.</summary>
    internal static bool UsesCpuLayer(RecurrentCellKind cell, Tensor input, CellWeights w, bool largeBlocksFromHeap) =>
        is_grad_enabled() && CpuLayerMemory.Supports(input, w)
        && (cell == RecurrentCellKind.Gru
            || (cell == RecurrentCellKind.Lstm && !largeBlocksFromHeap && input.shape[0] * input.shape[1] * w.RecurrentWeight.shape[0] >= CpuLstmLayerMinGateValues));

    /// <summary>As <see cref="Run"/>, always through libtorch's own operator.</summary>
    public static Tensor RunLibTorch(RecurrentCellKind cell, Tensor input, Tensor h0, Tensor? c0, CellWeights w, bool train)
    {
        Tensor wIh = w.InputWeight, wHh = w.RecurrentWeight;
        Tensor bIh = w.InputBias ?? throw new InvalidOperationException("The fused kernels expect biases.");
        Tensor bHh = w.RecurrentBias ?? throw new InvalidOperationException("The fused kernels expect biases.");
        // The script function is the cell's own FusedKernel; an LSTM's also takes c0.
        RecurrentCell descriptor = CellRegistry.For(cell);
        string kernel = descriptor.FusedKernel ?? throw new ArgumentOutOfRangeException(nameof(cell), cell, "Unknown cell kind.");
        object result = descriptor.HasCellState
            ? Unit.Value.invoke(kernel, input, h0, c0 ?? throw new ArgumentNullException(nameof(c0)), wIh, wHh, bIh, bHh, train)
            : Unit.Value.invoke(kernel, input, h0, wIh, wHh, bIh, bHh, train);
        return (Tensor)result;
    }
}
