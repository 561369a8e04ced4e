using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.utils.rnn;

namespace LstmMlNet.Engine;

/// <summary>
/// A stack of recurrent layers, each uni- or bidirectional, run over a padded batch with per-sequence
/// lengths. Weights live in a libtorch module (torch.nn.LSTM/GRU/RNN) under PyTorch's names
/// (<c>weight_ih_l{k}</c>, <c>weight_hh_l{k}</c>, <c>bias_ih_l{k}</c>, <c>bias_hh_l{k}</c>, suffix <c>_reverse</c>),
/// and both paths read the same tensors: <see cref="RecurrentPath.Fused"/> calls the libtorch module on a packed
/// sequence (or, training on the CPU, libtorch's fused kernels per layer and direction on the padded batch, see
/// <see cref="ForwardPadded"/>); <see cref="RecurrentPath.Explicit"/> steps through <see cref="IRecurrentCell"/> equations.
/// The variants without a libtorch kernel (peephole, 1997 and CIFG LSTM, Cho GRU) keep the same names in an
/// <see cref="ExplicitCellParameters"/> module (plus <c>weight_peephole_l{k}</c>) and always run the explicit path.
/// Padding never changes a result: each sequence's outputs and final state depend only on its own steps.
/// Bias convention: two bias vectors per layer and direction, b_ih and b_hh (as PyTorch, cuDNN and ONNX),
/// so an LSTM layer has 4(I+H)H + 8H parameters per direction (see <see cref="Engine.ParameterCount"/> for every cell).
/// </summary>
internal sealed class RecurrentEncoder : nn.Module
{
    private readonly LSTM? lstm;
    private readonly GRU? gru;
    private readonly RNN? rnn;
    private readonly ExplicitCellParameters? variant;

    public RecurrentEncoder(EncoderSpec spec) : base(nameof(RecurrentEncoder))
    {
        spec.Validate();
        Spec = spec;
        Cell = spec.Cell switch
        {
            RecurrentCellKind.Lstm => LstmCell.Instance,
            RecurrentCellKind.Gru => GruCell.Instance,
            RecurrentCellKind.RnnTanh => ElmanCell.Tanh,
            RecurrentCellKind.RnnRelu => ElmanCell.Relu,
            RecurrentCellKind.PeepholeLstm => PeepholeLstmCell.Instance,
            RecurrentCellKind.Lstm1997 => ThreeGateLstmCell.NoForgetGate,
            RecurrentCellKind.CifgLstm => ThreeGateLstmCell.Coupled,
            RecurrentCellKind.ChoGru => GruCell.ResetBeforeProduct,
            _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Cell, "Unknown cell kind."),
        };
        switch (spec.Cell)
        {
            case RecurrentCellKind.Lstm:
                lstm = nn.LSTM(spec.InputSize, spec.HiddenSize, spec.Layers, bias: true, batchFirst: true, dropout: spec.Dropout, bidirectional: spec.Bidirectional);
                break;
            case RecurrentCellKind.Gru:
                gru = nn.GRU(spec.InputSize, spec.HiddenSize, spec.Layers, bias: true, batchFirst: true, dropout: spec.Dropout, bidirectional: spec.Bidirectional);
                break;
            case RecurrentCellKind.RnnTanh or RecurrentCellKind.RnnRelu:
                rnn = nn.RNN(spec.InputSize, spec.HiddenSize, spec.Layers,
                    spec.Cell == RecurrentCellKind.RnnRelu ? nn.NonLinearities.ReLU : nn.NonLinearities.Tanh,
                    bias: true, batchFirst: true, dropout: spec.Dropout, bidirectional: spec.Bidirectional);
                break;
            default:
                variant = new ExplicitCellParameters(spec);
                break;
        }
        RegisterComponents();
        Initialize(spec.Initialization ?? new RecurrentInitialization());
    }

    public EncoderSpec Spec { get; }

    internal IRecurrentCell Cell { get; }

    private nn.Module Store => (nn.Module?)lstm ?? (nn.Module?)gru ?? (nn.Module?)rnn ?? variant!;

    /// <summary>True when <see cref="RecurrentPath.Fused"/> runs a libtorch kernel; false for the variants, which
    /// run the explicit path whatever path is asked for.</summary>
    public bool HasFusedPath => variant is null;

    /// <summary>PyTorch's parameter-name suffix of a layer and direction: <c>_l{layer}</c>, plus <c>_reverse</c> for direction 1.</summary>
    internal static string Suffix(int layer, int direction) => $"_l{layer}" + (direction == 1 ? "_reverse" : string.Empty);

    /// <summary>The weights of layer <paramref name="layer"/>, direction <paramref name="direction"/> (0 forward, 1 backward).</summary>
    public CellWeights Weights(int layer, int direction)
    {
        string suffix = Suffix(layer, direction);
        return new CellWeights(
            Parameter("weight_ih" + suffix),
            Parameter("weight_hh" + suffix),
            Parameter("bias_ih" + suffix),
            Parameter("bias_hh" + suffix),
            CellTraits.PeepholeSize(Spec.Cell, Spec.HiddenSize) > 0 ? Parameter("weight_peephole" + suffix) : null);
    }

    private Tensor Parameter(string name) =>
        Store.get_parameter(name) ?? throw new InvalidOperationException($"The recurrent module has no parameter '{name}'.");

    /// <summary>
    /// Runs the encoder. <paramref name="input"/>: [B, T, I], batch first. <paramref name="lengths"/>: int64 [B] on the CPU,
    /// each in [1, T]. <paramref name="initialState"/>: optional (h0, c0), each [layers·directions, B, H] (c0 only for LSTM).
    /// <paramref name="recorder"/>, when given, forces the explicit path and receives the activations of the forward
    /// direction of every layer at every step (padded steps included). Cells without a fused kernel
    /// (<see cref="HasFusedPath"/> false) run the explicit path when <paramref name="path"/> is <see cref="RecurrentPath.Fused"/>.
    /// <paramref name="finalCellState"/>: whether the
    /// caller reads <see cref="EncoderOutput.CellState"/>; with false an LSTM may return it as null, which lets a
    /// training batch of mixed lengths run the faster padded kernels (see <see cref="ForwardPadded"/>), which have no
    /// exact final cell state for rows shorter than the batch. <paramref name="use"/>: what the caller reads of the
    /// last layer's outputs (see <see cref="EncoderOutputUse"/>); only the padded training path takes it into account.
    /// </summary>
    public EncoderOutput Forward(Tensor input, Tensor lengths, (Tensor H, Tensor? C)? initialState = null,
        RecurrentPath path = RecurrentPath.Fused, GateRecorder? recorder = null, bool finalCellState = true,
        EncoderOutputUse use = EncoderOutputUse.AllSteps)
    {
        bool full = CheckInput(input, lengths);
        if (path != RecurrentPath.Fused || recorder is not null || !HasFusedPath) return ForwardExplicit(input, lengths, full, initialState, recorder);
        // Gradients on, CPU, some rows shorter than the batch: libtorch's packed CPU kernels are several times slower
        // than its padded ones (bidirectional LSTM about 2.5×), so run padded, one fused call per layer and direction.
        // Full batches too where FusedKernels.Run takes the faster CpuLstmLayer/CpuGruLayer (per layer, as the padded path calls it).
        bool cpuLayer = (lstm is not null || gru is not null) && FusedKernels.UsesCpuLayer(Spec.Cell, input, Weights(0, 0));
        bool padded = (!full || cpuLayer) && is_grad_enabled() && input.device_type == DeviceType.CPU && (lstm is null || !finalCellState);
        return padded ? ForwardPadded(input, lengths, initialState, use) : ForwardFused(input, lengths, full, initialState);
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

    private EncoderOutput ForwardFused(Tensor input, Tensor lengths, bool full, (Tensor H, Tensor? C)? initialState)
    {
        long steps = input.shape[1];
        // On some CPUs libtorch 2.10's CPU LSTM gives wrong outputs on unpacked input when gradients are off (its
        // inference kernel; seen on one machine, not on another); the packed kernel is right on both. Pack LSTM input
        // whenever grad mode is off. Guarded by the test Fused_lstm_is_right_with_gradients_off.
        bool pack = !full || (lstm is not null && !is_grad_enabled());
        if (!pack)
        {
            if (lstm is not null)
            {
                var (o, h, c) = lstm.call(input, initialState is { } s ? (s.H, s.C ?? throw new ArgumentException("An LSTM needs an initial cell state.")) : null);
                return new EncoderOutput(o, h, c);
            }
            var (output, hidden) = gru is not null ? gru.call(input, initialState?.H) : rnn!.call(input, initialState?.H);
            return new EncoderOutput(output, hidden, null);
        }

        using PackedSequence packed = pack_padded_sequence(input, lengths, batch_first: true, enforce_sorted: false);
        PackedSequence packedOut;
        Tensor hN;
        Tensor? cN = null;
        if (lstm is not null)
        {
            (packedOut, hN, cN) = lstm.call(packed, initialState is { } s ? (s.H, s.C ?? throw new ArgumentException("An LSTM needs an initial cell state.")) : null);
        }
        else
        {
            (packedOut, hN) = gru is not null ? gru.call(packed, initialState?.H) : rnn!.call(packed, initialState?.H);
        }
        using (packedOut)
        {
            var (padded, _) = pad_packed_sequence(packedOut, batch_first: true, padding_value: 0.0, total_length: steps);
            return new EncoderOutput(padded, hN, cN);
        }
    }

    /// <summary>
    /// The fused kernels on the right-padded batch, without packing, exact all the same. Each layer and direction is one
    /// unidirectional single-layer fused call on this module's own parameter tensors (through <see cref="FusedKernels"/>,
    /// so gradients reach them): the forward direction reads the batch as it is, whose padding comes after each row's
    /// last step and so cannot reach its valid outputs; the backward direction reads each row reversed within its length
    /// (padding still at the end), and its outputs are reversed back the same way. A direction's final state for a row
    /// is its output at the row's last step of that run. Outputs at padded steps are set to zero (so the next layer, the
    /// pooling and the gradients see only valid steps). No final cell state: the padded steps overwrite it.
    /// The reversal is a <see cref="StepReversal"/>, whose gradient is the same permutation. With <paramref name="use"/>
    /// other than <see cref="EncoderOutputUse.AllSteps"/> the last layer's padded steps are left as the kernel wrote
    /// them, and with <see cref="EncoderOutputUse.MaxOverValidSteps"/> its backward outputs stay in run order: the
    /// caller's selection or maximum over valid steps is the same, value for value and gradient for gradient (up to
    /// which of exactly tied maxima a tie-breaking maximum picks).
    /// </summary>
    private EncoderOutput ForwardPadded(Tensor input, Tensor lengths, (Tensor H, Tensor? C)? initialState, EncoderOutputUse use)
    {
        long batch = input.shape[0];
        long steps = input.shape[1];
        int hiddenSize = Spec.HiddenSize;
        Tensor len = lengths.to(input.device);
        Tensor padding = arange(steps, device: input.device).unsqueeze(0).ge(len.unsqueeze(1)).unsqueeze(-1); // [B, T, 1]
        Tensor lastStep = (len - 1).view(-1, 1, 1).expand(batch, 1, hiddenSize);
        // Reversal within lengths as one row permutation of the flattened [B·T, D] batch (cheaper than a gather).
        Tensor? reversal = Spec.Bidirectional ? StepReversal.Rows(len, steps) : null;
        var finalH = new List<Tensor>(Spec.Layers * Spec.Directions);
        Tensor layerInput = input;
        for (int layer = 0; layer < Spec.Layers; layer++)
        {
            bool last = layer == Spec.Layers - 1;
            var directionOutputs = new List<Tensor>(Spec.Directions);
            for (int direction = 0; direction < Spec.Directions; direction++)
            {
                int index = layer * Spec.Directions + direction;
                Tensor h0 = initialState is { } s ? s.H.narrow(0, index, 1) : zeros(1, batch, hiddenSize, dtype: input.dtype, device: input.device);
                Tensor? c0 = lstm is null ? null
                    : initialState is { } sc ? (sc.C ?? throw new ArgumentException("An LSTM needs an initial cell state.")).narrow(0, index, 1)
                    : zeros(1, batch, hiddenSize, dtype: input.dtype, device: input.device);
                Tensor sequence = direction == 0 ? layerInput : StepReversal.Apply(layerInput, reversal!);
                Tensor output = FusedKernels.Run(Spec.Cell, sequence, h0, c0, Weights(layer, direction), training);
                finalH.Add(output.gather(1, lastStep).squeeze(1));
                bool runOrder = direction == 0 || (last && use == EncoderOutputUse.MaxOverValidSteps);
                directionOutputs.Add(runOrder ? output : StepReversal.Apply(output, reversal!));
            }
            Tensor layerOutput = directionOutputs.Count == 1 ? directionOutputs[0] : cat(directionOutputs, dim: 2);
            if (!last || use == EncoderOutputUse.AllSteps) layerOutput = layerOutput.masked_fill(padding, 0.0);
            if (layer < Spec.Layers - 1 && Spec.Dropout > 0 && training)
            {
                layerOutput = nn.functional.dropout(layerOutput, Spec.Dropout, training: true);
            }
            layerInput = layerOutput;
        }
        return new EncoderOutput(layerInput, stack(finalH, dim: 0), null);
    }

    private EncoderOutput ForwardExplicit(Tensor input, Tensor lengths, bool full, (Tensor H, Tensor? C)? initialState, GateRecorder? recorder)
    {
        long batch = input.shape[0];
        long steps = input.shape[1];
        int hiddenSize = Spec.HiddenSize;
        Tensor lengthsOnDevice = lengths.to(input.device);
        // mask[b, t] = t < length[b]; only needed when some sequence is shorter than the batch.
        Tensor? mask = full ? null : arange(steps, device: input.device).unsqueeze(0).lt(lengthsOnDevice.unsqueeze(1)).unsqueeze(-1);

        var finalH = new List<Tensor>();
        var finalC = new List<Tensor>();
        Tensor layerInput = input;
        for (int layer = 0; layer < Spec.Layers; layer++)
        {
            var directionOutputs = new List<Tensor>(Spec.Directions);
            for (int direction = 0; direction < Spec.Directions; direction++)
            {
                int index = layer * Spec.Directions + direction;
                CellWeights w = Weights(layer, direction);
                Tensor h = initialState is { } s ? s.H[index] : zeros(batch, hiddenSize, dtype: input.dtype, device: input.device);
                Tensor? c = Cell.HasCellState
                    ? initialState is { C: { } c0 } ? c0[index] : zeros(batch, hiddenSize, dtype: input.dtype, device: input.device)
                    : null;
                Tensor sequence = direction == 0 ? layerInput : ReverseWithinLengths(layerInput, lengthsOnDevice, full);
                Tensor projection = nn.functional.linear(sequence, w.InputWeight, w.InputBias);
                GateRecorder? stepRecorder = direction == 0 ? recorder : null;
                if (stepRecorder is not null) stepRecorder.Layer = layer;
                var outputs = new Tensor[steps];
                for (long t = 0; t < steps; t++)
                {
                    var (hNext, cNext) = Cell.Step(projection.select(1, t), h, c, w, stepRecorder);
                    if (mask is null)
                    {
                        h = hNext;
                        c = cNext;
                        outputs[t] = hNext;
                    }
                    else
                    {
                        Tensor m = mask.select(1, t);
                        h = where(m, hNext, h);
                        if (c is not null) c = where(m, cNext!, c);
                        outputs[t] = hNext * m;
                    }
                }
                Tensor output = stack(outputs, dim: 1);
                directionOutputs.Add(direction == 0 ? output : ReverseWithinLengths(output, lengthsOnDevice, full));
                finalH.Add(h);
                if (c is not null) finalC.Add(c);
            }
            Tensor layerOutput = directionOutputs.Count == 1 ? directionOutputs[0] : cat(directionOutputs, dim: 2);
            if (layer < Spec.Layers - 1 && Spec.Dropout > 0 && training)
            {
                layerOutput = nn.functional.dropout(layerOutput, Spec.Dropout, training: true);
            }
            layerInput = layerOutput;
        }
        return new EncoderOutput(layerInput, stack(finalH, dim: 0), finalC.Count > 0 ? stack(finalC, dim: 0) : null);
    }

    /// <summary>Reverses each sequence within its own length, leaving padded steps in place:
    /// y[b, t] = x[b, len_b − 1 − t] for t &lt; len_b, else x[b, t]. The map is its own inverse.</summary>
    internal static Tensor ReverseWithinLengths(Tensor x, Tensor lengths, bool full)
    {
        if (full) return x.flip(1);
        long steps = x.shape[1];
        Tensor t = arange(steps, device: x.device).unsqueeze(0);
        Tensor len = lengths.unsqueeze(1);
        Tensor index = where(t.lt(len), len - 1 - t, t);
        return x.gather(1, index.unsqueeze(-1).expand(x.shape[0], steps, x.shape[2]));
    }

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
                if (Spec.Cell is RecurrentCellKind.Lstm or RecurrentCellKind.PeepholeLstm)
                {
                    w.InputBias.narrow(0, h, h).fill_(init.ForgetGateBias);
                }
                else if (Spec.Cell == RecurrentCellKind.CifgLstm)
                {
                    // f = 1 − σ(a_i) = σ(−a_i): an input-gate bias of −b gives the forget gate the effective bias b.
                    w.InputBias.narrow(0, 0, h).fill_(-init.ForgetGateBias);
                }
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
