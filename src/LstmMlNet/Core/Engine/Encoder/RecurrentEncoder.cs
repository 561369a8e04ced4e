using TorchSharp;
using static TorchSharp.torch;

namespace LstmMlNet.Engine;

/// <summary>
/// A stack of recurrent layers, each uni- or bidirectional, run over a padded batch with per-sequence lengths. The
/// cell (<see cref="RecurrentCell"/>, from <see cref="CellRegistry"/>) owns the weight module: libtorch's
/// torch.nn.LSTM/GRU/RNN for the cells it runs, an <see cref="ExplicitCellParameters"/> for the variants, both under
/// PyTorch's names (<c>weight_ih_l{k}</c>, <c>weight_hh_l{k}</c>, <c>bias_ih_l{k}</c>, <c>bias_hh_l{k}</c>, suffix
/// <c>_reverse</c>; plus <c>weight_peephole_l{k}</c> for the peephole LSTM). Each call checks the batch, builds its
/// <see cref="SequenceMask"/> once and runs one <see cref="IEncoderPath"/> over the same tensors:
/// <see cref="ModulePath"/> (the libtorch module, packed when rows are padded), <see cref="PaddedPath"/> (fused kernels
/// per layer and direction on the padded batch, while training on the CPU) or <see cref="ExplicitPath"/> (the cell's
/// equations step by step). Padding never changes a result: each sequence's outputs and final state depend only on its
/// own steps. Bias convention: two bias vectors per layer and direction, b_ih and b_hh (as PyTorch, cuDNN and ONNX),
/// so an LSTM layer has 4(I+H)H + 8H parameters per direction (see <see cref="LstmMlNet.ParameterCount"/> for every cell).
/// </summary>
internal sealed class RecurrentEncoder : nn.Module
{
    private readonly nn.Module store;
    private readonly ModulePath modulePath;
    private readonly PaddedPath paddedPath;
    private readonly ExplicitPath explicitPath;

    public RecurrentEncoder(EncoderSpec spec) : base(nameof(RecurrentEncoder))
    {
        spec.Validate();
        Spec = spec;
        Cell = CellRegistry.For(spec.Cell);
        store = Cell.CreateWeights(spec);
        register_module(Cell.WeightsName, store);
        modulePath = new ModulePath(this);
        paddedPath = new PaddedPath(this);
        explicitPath = new ExplicitPath(this);
        Initialize(spec.Initialization ?? new RecurrentInitialization());
    }

    public EncoderSpec Spec { get; }

    /// <summary>The cell's descriptor: equations, gates, module, fused kernel, ONNX form.</summary>
    internal RecurrentCell Cell { get; }

    /// <summary>True when <see cref="RecurrentPath.Fused"/> runs a libtorch kernel; false for the variants, which
    /// run the explicit path whatever path is asked for.</summary>
    public bool HasFusedPath => Cell.HasFusedKernel;

    /// <summary>PyTorch's parameter-name suffix of a layer and direction: <c>_l{layer}</c>, plus <c>_reverse</c> for direction 1.</summary>
    internal static string Suffix(int layer, int direction) => $"_l{layer}" + (direction == 1 ? "_reverse" : string.Empty);

    /// <summary>The module holding every weight (the cell's <see cref="RecurrentCell.CreateWeights"/>).</summary>
    internal nn.Module WeightModule => store;

    /// <summary>The weights of layer <paramref name="layer"/>, direction <paramref name="direction"/> (0 forward, 1 backward).</summary>
    public CellWeights Weights(int layer, int direction)
    {
        string suffix = Suffix(layer, direction);
        return new CellWeights(
            Parameter("weight_ih" + suffix),
            Parameter("weight_hh" + suffix),
            Parameter("bias_ih" + suffix),
            Parameter("bias_hh" + suffix),
            Cell.PeepholeSize(Spec.HiddenSize) > 0 ? Parameter("weight_peephole" + suffix) : null);
    }

    private Tensor Parameter(string name) =>
        store.get_parameter(name) ?? throw new InvalidOperationException($"The recurrent module has no parameter '{name}'.");

    /// <summary>
    /// Runs the encoder. <paramref name="input"/>: [B, T, I], batch first. <paramref name="lengths"/>: int64 [B] on the CPU,
    /// each in [1, T]. <paramref name="initialState"/>: optional (h0, c0), each [layers·directions, B, H] (c0 only for LSTM).
    /// <paramref name="recorder"/>, when given, forces the explicit path and receives the activations of the forward
    /// direction of every layer at every step (padded steps included). Cells without a fused kernel
    /// (<see cref="HasFusedPath"/> false) run the explicit path when <paramref name="path"/> is <see cref="RecurrentPath.Fused"/>.
    /// <paramref name="finalCellState"/>: whether the
    /// caller reads <see cref="EncoderOutput.CellState"/>; with false an LSTM may return it as null, which lets a
    /// training batch of mixed lengths run the faster padded kernels (see <see cref="PaddedPath"/>), which have no
    /// exact final cell state for rows shorter than the batch. <paramref name="use"/>: what the caller reads of the
    /// last layer's outputs (see <see cref="EncoderOutputUse"/>); only the padded training path takes it into account.
    /// </summary>
    public EncoderOutput Forward(Tensor input, Tensor lengths, (Tensor H, Tensor? C)? initialState = null,
        RecurrentPath path = RecurrentPath.Fused, GateRecorder? recorder = null, bool finalCellState = true,
        EncoderOutputUse use = EncoderOutputUse.AllSteps)
    {
        bool full = CheckInput(input, lengths);
        var mask = new SequenceMask(lengths, input.shape[1], full, input.device);
        return Route(input, full, path, recorder, finalCellState).Run(input, mask, initialState, recorder, use);
    }

    /// <summary>The path <see cref="Forward"/> would run for these arguments (in the current grad mode); for tests that
    /// must know which kernel ran.</summary>
    internal IEncoderPath RouteOf(Tensor input, Tensor lengths, RecurrentPath path = RecurrentPath.Fused, bool finalCellState = true) =>
        Route(input, CheckInput(input, lengths), path, null, finalCellState);

    /// <summary>The path a call runs.</summary>
    private IEncoderPath Route(Tensor input, bool full, RecurrentPath path, GateRecorder? recorder, bool finalCellState)
    {
        if (path != RecurrentPath.Fused || recorder is not null || !HasFusedPath) return explicitPath;
        // Gradients on, CPU, some rows shorter than the batch: libtorch's packed CPU kernels are several times slower
        // than its padded ones (bidirectional LSTM about 2.5×), so run padded, one fused call per layer and direction.
        // Full batches too where FusedKernels.Run takes the faster CpuLstmLayer/CpuGruLayer (per layer, as the padded path calls it).
        // The cheap conditions first: the weights are looked up (new parameter handles) only for a full training batch on the CPU.
        bool padded = is_grad_enabled() && input.device_type == DeviceType.CPU && (!Cell.HasCellState || !finalCellState)
            && (!full || FusedKernels.UsesCpuLayer(Spec.Cell, input, Weights(0, 0)));
        return padded ? paddedPath : modulePath;
    }

    /// <summary>Checks shapes and lengths; returns true when every sequence fills all steps (no padding).</summary>
    private bool CheckInput(Tensor input, Tensor lengths)
    {
        if (input.dim() != 3 || input.shape[2] != Spec.InputSize)
            throw new ArgumentException($"Expected input of shape [batch, steps, {Spec.InputSize}], got [{string.Join(", ", input.shape)}].", nameof(input));
        if (lengths.dim() != 1 || lengths.shape[0] != input.shape[0] || lengths.dtype != ScalarType.Int64 || lengths.device_type != DeviceType.CPU)
            throw new ArgumentException($"Expected lengths as a CPU int64 vector of {input.shape[0]} entries.", nameof(lengths));
        long steps = input.shape[1];
        long min = lengths.min().item<long>();
        long max = lengths.max().item<long>();
        if (min < 1 || max > steps)
            throw new ArgumentException($"Every sequence length must lie in [1, {steps}]; got lengths from {min} to {max}.", nameof(lengths));
        return min == steps;
    }

    /// <summary>The initial (h, c) [B, H] of layer·directions + direction = <paramref name="index"/>: the given state's
    /// slice, or zeros like <paramref name="input"/>. c is null for cells without a cell state; for the others a given
    /// state without c throws when <paramref name="requireCellState"/>, else c starts at zeros.</summary>
    internal (Tensor H, Tensor? C) InitialState((Tensor H, Tensor? C)? initialState, int index, Tensor input, bool requireCellState)
    {
        long batch = input.shape[0];
        int hiddenSize = Spec.HiddenSize;
        Tensor h = initialState is { } s ? s.H[index] : zeros(batch, hiddenSize, dtype: input.dtype, device: input.device);
        if (!Cell.HasCellState) return (h, null);
        Tensor c = initialState switch
        {
            { C: { } c0 } => c0[index],
            not null when requireCellState => throw new ArgumentException("An LSTM needs an initial cell state."),
            _ => zeros(batch, hiddenSize, dtype: input.dtype, device: input.device),
        };
        return (h, c);
    }

    /// <summary>What the next layer reads of <paramref name="layerOutput"/>: dropout (training only) on the outputs of
    /// every layer but the last.</summary>
    internal Tensor BetweenLayers(Tensor layerOutput, int layer) =>
        layer < Spec.Layers - 1 && Spec.Dropout > 0 && training ? nn.functional.dropout(layerOutput, Spec.Dropout, training: true) : layerOutput;

    /// <summary>Number of trainable parameters.</summary>
    public long ParameterCount() => parameters().Sum(p => p.numel());

    private void Initialize(RecurrentInitialization init)
    {
        if (init.UseLibTorchDefaults) return;
        int h = Spec.HiddenSize;
        using var noGrad = no_grad();
        for (int layer = 0; layer < Spec.Layers; layer++)
        {
            for (int direction = 0; direction < Spec.Directions; direction++)
            {
                CellWeights w = Weights(layer, direction);
                for (int gate = 0; gate < Cell.GateCount; gate++)
                {
                    InitBlock(w.InputWeight.narrow(0, gate * h, h), init.InputWeights);
                    InitBlock(w.RecurrentWeight.narrow(0, gate * h, h), init.RecurrentWeights);
                }
                w.InputBias!.zero_();
                w.RecurrentBias!.zero_();
                w.Peephole?.zero_();
                Cell.InitializeForgetBias(w, h, init.ForgetGateBias);
            }
        }
    }

    private void InitBlock(Tensor block, WeightInitialization scheme)
    {
        switch (scheme)
        {
            case WeightInitialization.XavierUniform:
                nn.init.xavier_uniform_(block);
                break;
            case WeightInitialization.Orthogonal:
                nn.init.orthogonal_(block);
                break;
            case WeightInitialization.PyTorchUniform:
                double bound = 1.0 / Math.Sqrt(Spec.HiddenSize);
                nn.init.uniform_(block, -bound, bound);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "Unknown weight initialisation.");
        }
    }
}
