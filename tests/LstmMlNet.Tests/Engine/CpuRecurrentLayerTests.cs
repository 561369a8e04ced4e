using LstmMlNet.Engine;
using LstmMlNet.Reference;
using LstmMlNet.Tests.Infrastructure;
using LstmMlNet.Tests.Reference;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace LstmMlNet.Tests.Engine;

/// <summary>
/// <see cref="CpuLstmLayer"/> and <see cref="CpuGruLayer"/> against libtorch's own <c>torch.lstm</c>/<c>torch.gru</c>
/// (<see cref="FusedKernels.RunLibTorch"/>) and against the float64 reference: outputs and the gradients of the input,
/// h0, c0 and all four weight and bias tensors, to 1e-5 (absolute below magnitude 1, relative above); and through the
/// encoder, whose padded training path runs them, against the explicit path.
/// </summary>
public sealed class CpuRecurrentLayerTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;

    /// <summary>Cell × (B, T, I, H): B = 1 and T = 1 among them, and H not a multiple of the vector width.</summary>
    public static TheoryData<RecurrentCellKind, int, int, int, int> Shapes()
    {
        var data = new TheoryData<RecurrentCellKind, int, int, int, int>();
        var shapes = new (int B, int T, int I, int H)[] { (1, 1, 3, 4), (1, 6, 2, 3), (3, 1, 4, 5), (4, 7, 5, 6), (2, 9, 3, 17), (8, 12, 16, 32) };
        foreach (var cell in new[] { RecurrentCellKind.Lstm, RecurrentCellKind.Gru })
            foreach (var (b, t, i, h) in shapes) data.Add(cell, b, t, i, h);
        return data;
    }

    private sealed record LayerRun(Tensor Output, Dictionary<string, Tensor> Grads);

    private static LayerRun RunLayer(RecurrentCellKind cell, Func<Tensor, Tensor, Tensor?, CellWeights, Tensor> layer,
        Tensor x, Tensor h0, Tensor? c0, Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh, Tensor upstream)
    {
        var leaves = new Dictionary<string, Tensor>
        {
            ["x"] = x.detach().clone().requires_grad_(true),
            ["h0"] = h0.detach().clone().requires_grad_(true),
            ["W_ih"] = wIh.detach().clone().requires_grad_(true),
            ["W_hh"] = wHh.detach().clone().requires_grad_(true),
            ["b_ih"] = bIh.detach().clone().requires_grad_(true),
            ["b_hh"] = bHh.detach().clone().requires_grad_(true),
        };
        if (cell == RecurrentCellKind.Lstm) leaves["c0"] = c0!.detach().clone().requires_grad_(true);
        Tensor result = layer(leaves["x"], leaves["h0"], leaves.GetValueOrDefault("c0"),
            new CellWeights(leaves["W_ih"], leaves["W_hh"], leaves["b_ih"], leaves["b_hh"]));
        (result * upstream).sum().backward();
        return new LayerRun(result.detach(), leaves.ToDictionary(p => p.Key, p => p.Value.grad!.clone()));
    }

    private static Tensor Ours(RecurrentCellKind cell, Tensor x, Tensor h0, Tensor? c0, CellWeights w) => cell == RecurrentCellKind.Lstm
        ? CpuLstmLayer.Apply(x, h0, c0!, w.InputWeight, w.RecurrentWeight, w.InputBias!, w.RecurrentBias!)
        : CpuGruLayer.Apply(x, h0, w.InputWeight, w.RecurrentWeight, w.InputBias!, w.RecurrentBias!);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Outputs_and_every_gradient_equal_libtorch_kernel(RecurrentCellKind cell, int batch, int steps, int input, int hidden)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(100 + batch * 31 + steps * 7 + hidden);
        int gates = cell == RecurrentCellKind.Lstm ? 4 : 3;
        Tensor x = randn(batch, steps, input);
        Tensor h0 = randn(1, batch, hidden) * 0.5;
        Tensor c0 = randn(1, batch, hidden);
        // Large enough to leave the non-linearities' linear range, at most 2/√H: with 0.6 at H = 32 the GRU's gradients
        // grow so that libtorch's own float32 kernel is 1.03e-5 (scaled) from its float64 run.
        double scale = Math.Min(0.6, 2.0 / Math.Sqrt(hidden));
        Tensor wIh = randn(gates * hidden, input) * scale, wHh = randn(gates * hidden, hidden) * scale;
        Tensor bIh = randn(gates * hidden) * 0.4, bHh = randn(gates * hidden) * 0.4;
        Tensor upstream = randn(batch, steps, hidden);

        LayerRun ours = RunLayer(cell, (a, h, c, w) => Ours(cell, a, h, c, w), x, h0, c0, wIh, wHh, bIh, bHh, upstream);
        LayerRun torch = RunLayer(cell, (a, h, c, w) => FusedKernels.RunLibTorch(cell, a, h, c, w, true), x, h0, c0, wIh, wHh, bIh, bHh, upstream);
        LayerRun routed = RunLayer(cell, (a, h, c, w) => FusedKernels.Run(cell, a, h, c, w, true), x, h0, c0, wIh, wHh, bIh, bHh, upstream);

        // libtorch's kernel in float64 on the same values: the exact answer both float32 runs approximate.
        LayerRun exact = RunLayer(cell, (a, h, c, w) => FusedKernels.RunLibTorch(cell, a, h, c, w, true),
            x.to(float64), h0.to(float64), c0.to(float64), wIh.to(float64), wHh.to(float64), bIh.to(float64), bHh.to(float64), upstream.to(float64));

        string what = $"{cell} B{batch} T{steps} I{input} H{hidden}";
        Compare(exact, torch, what + " float32 kernel vs float64 kernel", Tolerance);
        Compare(exact, ours, what + " layer vs float64 kernel", Tolerance);
        // Each float32 run within 1e-5 of the exact values, so within 2e-5 of each other.
        Compare(torch, ours, what + " layer vs float32 kernel", 2 * Tolerance);
        // FusedKernels.Run with gradients on is this layer (bit for bit) for a GRU; an LSTM this small stays on libtorch's kernel.
        bool cpuLayer = FusedKernels.UsesCpuLayer(cell, x, new CellWeights(wIh, wHh, bIh, bHh));
        Assert.Equal(cell == RecurrentCellKind.Gru, cpuLayer);
        Assert.True(TensorAssert.Identical(cpuLayer ? ours.Output : torch.Output, routed.Output), "FusedKernels.Run does not route as UsesCpuLayer says");
        Assert.Equal(cell == RecurrentCellKind.Lstm ? 7 : 6, ours.Grads.Count);
    }

    private void Compare(LayerRun expected, LayerRun actual, string what, double tolerance = Tolerance)
    {
        double worst = TensorAssert.CloseScaled(expected.Output, actual.Output, tolerance, what + " outputs");
        Assert.True(TensorAssert.MaxAbs(expected.Output) > 1e-2, what + ": outputs are all (nearly) zero");
        foreach (var (name, grad) in expected.Grads)
        {
            worst = Math.Max(worst, TensorAssert.CloseScaled(grad, actual.Grads[name], tolerance, $"{what} gradient of {name}"));
            Assert.True(TensorAssert.MaxAbs(grad) > 1e-3, $"{what}: the gradient of {name} is all (nearly) zero");
        }
        output.WriteLine($"{what}: worst scaled difference {worst:E2}");
    }

    [Theory]
    [InlineData(RecurrentCellKind.Lstm, 3, 4, 5, 1, 301)]
    [InlineData(RecurrentCellKind.Lstm, 1, 1, 1, 1, 302)]
    [InlineData(RecurrentCellKind.Lstm, 4, 5, 12, 2, 303)]
    [InlineData(RecurrentCellKind.Gru, 3, 4, 5, 1, 304)]
    [InlineData(RecurrentCellKind.Gru, 5, 3, 1, 2, 305)]
    [InlineData(RecurrentCellKind.Gru, 4, 5, 12, 2, 306)]
    public void Outputs_and_every_gradient_equal_the_float64_reference(RecurrentCellKind cell, int input, int hidden, int steps, int batch, int seed)
    {
        using var scope = NewDisposeScope();
        var problem = new ReferenceProblem(cell, input, hidden, steps, batch, seed);
        RecurrentReference reference = problem.CreateReference();
        ForwardPass pass = problem.Forward(reference);
        // The layer returns outputs only: the final hidden state's gradient goes to the last step's output, no c_T term.
        RecurrentGradients grads = reference.Backward(pass, problem.OutputGradients, problem.FinalHiddenGradient, null);

        var p = problem.Parameters;
        long rows = p.GateRows;
        Tensor TimeMajorToBatchFirst(double[] values, long width) => tensor(values, new long[] { steps, batch, width }, float64).transpose(0, 1).to(float32).contiguous();
        Tensor upstream = TimeMajorToBatchFirst(problem.OutputGradients, hidden);
        upstream[.., steps - 1] += tensor(problem.FinalHiddenGradient, new long[] { batch, hidden }, float32);
        LayerRun ours = RunLayer(cell, (a, h, c, w) => Ours(cell, a, h, c, w),
            TimeMajorToBatchFirst(problem.Inputs, input),
            tensor(problem.InitialHidden, new long[] { 1, batch, hidden }, float64).to(float32),
            problem.InitialCell is null ? null : tensor(problem.InitialCell, new long[] { 1, batch, hidden }, float64).to(float32),
            tensor(p.InputWeight, new[] { rows, input }, float64).to(float32), tensor(p.RecurrentWeight, new[] { rows, hidden }, float64).to(float32),
            tensor(p.InputBias, new[] { rows }, float64).to(float32), tensor(p.RecurrentBias, new[] { rows }, float64).to(float32), upstream);

        var expected = new LayerRun(TimeMajorToBatchFirst(pass.Outputs, hidden).to(float64), new Dictionary<string, Tensor>
        {
            ["x"] = tensor(grads.Inputs, new long[] { steps, batch, input }, float64).transpose(0, 1),
            ["h0"] = tensor(grads.InitialHidden, new long[] { 1, batch, hidden }, float64),
            ["W_ih"] = tensor(grads.Parameters.InputWeight, new[] { rows, input }, float64),
            ["W_hh"] = tensor(grads.Parameters.RecurrentWeight, new[] { rows, hidden }, float64),
            ["b_ih"] = tensor(grads.Parameters.InputBias, new[] { rows }, float64),
            ["b_hh"] = tensor(grads.Parameters.RecurrentBias, new[] { rows }, float64),
        });
        if (cell == RecurrentCellKind.Lstm) expected.Grads["c0"] = tensor(grads.InitialCell!, new long[] { 1, batch, hidden }, float64);
        Compare(expected, ours, $"{cell} reference I{input} H{hidden} T{steps} N{batch}");
    }

    [Fact]
    public void Lstm_routes_to_the_cpu_layer_from_its_gate_size()
    {
        using var scope = NewDisposeScope();
        CellWeights Weights(int hidden) => new(zeros(4 * hidden, 3), zeros(4 * hidden, hidden), zeros(4 * hidden), zeros(4 * hidden));
        // B·T·4H = 32 · 192 · 4 · 64 = 1,572,864 = 1.5·2²⁰ (a forecaster's W 144 + h 48 batch); one step fewer is short of it.
        Assert.Equal(1_572_864L, FusedKernels.CpuLstmLayerMinGateValues);
        Assert.True(FusedKernels.UsesCpuLayer(RecurrentCellKind.Lstm, zeros(32, 192, 3), Weights(64), largeBlocksFromHeap: false));
        Assert.False(FusedKernels.UsesCpuLayer(RecurrentCellKind.Lstm, zeros(32, 191, 3), Weights(64), largeBlocksFromHeap: false));
        Assert.True(FusedKernels.UsesCpuLayer(RecurrentCellKind.Lstm, zeros(64, 100, 3), Weights(82), largeBlocksFromHeap: false));
        Assert.True(FusedKernels.UsesCpuLayer(RecurrentCellKind.Gru, zeros(1, 1, 3), new CellWeights(zeros(6, 3), zeros(6, 2), zeros(6), zeros(6))));
        using (no_grad()) Assert.False(FusedKernels.UsesCpuLayer(RecurrentCellKind.Lstm, zeros(64, 100, 3), Weights(82), largeBlocksFromHeap: false));
        Assert.False(FusedKernels.UsesCpuLayer(RecurrentCellKind.Lstm, zeros(64, 100, 3, float64), Weights(82), largeBlocksFromHeap: false));
    }

    /// <summary>A process started with glibc serving large blocks from its heaps (the GLIBC_TUNABLES setting of docs/troubleshooting.md)
    /// trains every LSTM on libtorch's kernel, which is then the faster at every measured shape; the GRU layer stays.</summary>
    [Fact]
    public void With_large_blocks_from_the_heap_no_lstm_takes_the_cpu_layer()
    {
        using var scope = NewDisposeScope();
        CellWeights Weights(int hidden) => new(zeros(4 * hidden, 3), zeros(4 * hidden, hidden), zeros(4 * hidden), zeros(4 * hidden));
        Assert.True(FusedKernels.UsesCpuLayer(RecurrentCellKind.Lstm, zeros(64, 100, 3), Weights(82), largeBlocksFromHeap: false));
        Assert.False(FusedKernels.UsesCpuLayer(RecurrentCellKind.Lstm, zeros(256, 400, 3), Weights(82), largeBlocksFromHeap: true));
        Assert.True(FusedKernels.UsesCpuLayer(RecurrentCellKind.Gru, zeros(1, 1, 3), new CellWeights(zeros(6, 3), zeros(6, 2), zeros(6), zeros(6)), largeBlocksFromHeap: true));
        Assert.Equal(FusedKernels.LargeBlocksFromHeap, !FusedKernels.UsesCpuLayer(RecurrentCellKind.Lstm, zeros(64, 100, 3), Weights(82)));

        bool linux = OperatingSystem.IsLinux();
        Assert.Equal(linux, FusedKernels.ServesLargeBlocksFromHeap("glibc.malloc.arena_max=1:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=1073741824"));
        Assert.Equal(linux, FusedKernels.ServesLargeBlocksFromHeap("glibc.malloc.mmap_max=0"));
        Assert.False(FusedKernels.ServesLargeBlocksFromHeap("glibc.malloc.mmap_max=10"));
        Assert.False(FusedKernels.ServesLargeBlocksFromHeap("glibc.malloc.trim_threshold=1073741824"));
        Assert.False(FusedKernels.ServesLargeBlocksFromHeap(""));
        Assert.False(FusedKernels.ServesLargeBlocksFromHeap(null));
    }

    public static TheoryData<RecurrentCellKind, int, bool, bool> EncoderCasesGrid()
    {
        var data = new TheoryData<RecurrentCellKind, int, bool, bool>();
        foreach (var cell in new[] { RecurrentCellKind.Lstm, RecurrentCellKind.Gru })
            foreach (int layers in new[] { 1, 2 })
                foreach (bool bi in new[] { false, true })
                    foreach (bool variable in new[] { true, false })
                        data.Add(cell, layers, bi, variable);
        return data;
    }

    [Theory]
    [MemberData(nameof(EncoderCasesGrid))]
    public void Encoder_training_path_with_the_cpu_layer_equals_the_explicit_path(RecurrentCellKind cell, int layers, bool bidirectional, bool variableLengths)
    {
        // With gradients on and no final cell state asked for, the encoder runs each layer and direction through
        // FusedKernels.Run, which is the CPU layer here, for variable lengths and for full-length batches alike.
        // An LSTM takes the CPU layer from B·T·4H ≥ 2²¹ on: 64 rows of 100 steps, H = 82 (lengths 1 … 100 when variable).
        using var scope = NewDisposeScope();
        random.manual_seed(23);
        bool large = cell == RecurrentCellKind.Lstm;
        int batch = large ? 64 : EncoderCases.Batch, steps = large ? 100 : EncoderCases.Steps, hidden = large ? 82 : EncoderCases.Hidden;
        var encoder = new RecurrentEncoder(new EncoderSpec(cell, EncoderCases.Input, hidden, layers, bidirectional));
        int directions = bidirectional ? 2 : 1;
        long[] variable = large ? Enumerable.Range(0, batch).Select(b => (long)(b == 0 ? steps : 1 + b * 37 % steps)).ToArray() : EncoderCases.Lengths;
        Tensor lengths = variableLengths ? tensor(variable) : full(batch, (long)steps, int64);
        Tensor x = randn(batch, steps, EncoderCases.Input);
        // (A process started with GLIBC_TUNABLES=...mmap_max=0 trains LSTMs on libtorch's kernel: run this without it.)
        Assert.True(FusedKernels.UsesCpuLayer(cell, x, encoder.Weights(layers - 1, 0)), "routing under glibc's default allocator expected");
        // The fused path of a training batch runs per layer and direction through FusedKernels.Run, i.e. this layer.
        Assert.IsType<PaddedPath>(encoder.RouteOf(x, lengths, finalCellState: false));
        Tensor mask = arange(steps).unsqueeze(0).lt(lengths.unsqueeze(1)).unsqueeze(-1);
        Tensor upstream = randn(batch, steps, directions * hidden) * mask;
        Tensor upstreamH = randn(layers * directions, batch, hidden);

        (Tensor Output, Tensor H, Tensor InputGrad, Dictionary<string, Tensor> Grads) Run(RecurrentPath path, ScalarType type)
        {
            encoder.zero_grad();
            Tensor input = x.to(type).detach().clone().requires_grad_(true);
            EncoderOutput result = encoder.Forward(input, lengths, null, path, finalCellState: false);
            ((result.Output * upstream.to(type)).sum() + (result.HiddenState * upstreamH.to(type)).sum()).backward();
            return (result.Output.detach() * mask, result.HiddenState.detach(), input.grad!.clone(),
                encoder.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone()));
        }

        var ours = Run(RecurrentPath.Fused, float32);
        var manual = Run(RecurrentPath.Explicit, float32);
        encoder.to(float64);
        // The explicit path in float64: the exact values both float32 runs approximate (sums over B·T = 6,400 products
        // for the LSTM's weight gradients, where two float32 summation orders differ by a few 1e-5).
        var exact = Run(RecurrentPath.Explicit, float64);
        Assert.Equal(layers * directions * 4, ours.Grads.Count);
        double worstOurs = 0, worstExplicit = 0;
        void Check(Tensor expected, Tensor oursValue, Tensor explicitValue, string what)
        {
            worstExplicit = Math.Max(worstExplicit, TensorAssert.CloseScaled(expected, explicitValue, 1, what));
            double mine = TensorAssert.CloseScaled(expected, oursValue, 1, what);
            if (mine > worstOurs) output.WriteLine($"  {what}: CPU layer {mine:E2}, explicit {TensorAssert.CloseScaled(expected, explicitValue, 1, what):E2}, max |value| {TensorAssert.MaxAbs(expected):F2}");
            worstOurs = Math.Max(worstOurs, mine);
        }
        Check(exact.Output, ours.Output, manual.Output, "outputs at valid steps");
        Check(exact.H, ours.H, manual.H, "final hidden states");
        Check(exact.InputGrad, ours.InputGrad, manual.InputGrad, "gradient of the input");
        foreach (var (name, grad) in exact.Grads) Check(grad, ours.Grads[name], manual.Grads[name], "gradient of " + name);
        output.WriteLine($"{cell} layers {layers} bi {bidirectional} variable {variableLengths}: worst scaled difference from float64, CPU layer {worstOurs:E2}, explicit float32 path {worstExplicit:E2}");
        // At the LSTM's shape the weight and bias gradients (magnitudes up to a few hundred) are sums of 6,400 products, and
        // the explicit float32 path itself is 2e-5 … 7e-5 (scaled) from float64 there: the CPU layer must be as close as
        // float32 allows, i.e. no further than twice the explicit path's own distance (and within 1e-4); 1e-5 elsewhere.
        double bound = large ? Math.Min(1e-4, Math.Max(Tolerance, 2 * worstExplicit)) : Tolerance;
        Assert.True(worstOurs <= bound, $"the CPU layer is {worstOurs:E2} (scaled) from the float64 run; bound {bound:E2}");
    }
}
