using static TorchSharp.torch;
using static TorchSharp.torch.nn.utils.rnn;

namespace LstmMlNet.Engine;

/// <summary>
/// Everything about one <see cref="RecurrentCellKind"/> in one place: its step equations (<see cref="Step"/>), its gates
/// in order with their nonlinearities, its gate count and parameter count, its cell state, forget and update gates,
/// its libtorch module and fused kernel (if any), its forget-bias initialisation, and its ONNX form. Each kind has one
/// sealed subclass in <c>Engine/Cells</c>, found by <see cref="CellRegistry"/>; the encoder, the ONNX exporter and the
/// diagnostics read a cell's facts only from here.
/// </summary>
/// <remarks>The input projection <c>W x_t + b_ih</c> is computed for all steps at once by the caller; a step adds the
/// recurrent part. Weights follow PyTorch's layout (see <see cref="CellWeights"/>).</remarks>
internal abstract class RecurrentCell
{
    /// <summary>The public kind this descriptor stands for.</summary>
    public abstract RecurrentCellKind Kind { get; }

    /// <summary>Number of gate blocks G in the weight matrices [G·H, I] and [G·H, H].</summary>
    public abstract int GateCount { get; }

    /// <summary>The gates a <see cref="GateRecorder"/> receives from <see cref="Step"/>, in order, each with the
    /// nonlinearity that produces it ("sigmoid", "tanh" or "relu"); the states "c" and "h" are not listed, except
    /// "h" for an RNN, whose only activation it is.</summary>
    public abstract IReadOnlyList<(string Name, string Activation)> Gates { get; }

    /// <summary>True when the cell carries a cell state c besides h (every LSTM variant).</summary>
    public abstract bool HasCellState { get; }

    /// <summary>The recorded name of the forget gate, or null when the cell has none.</summary>
    public virtual string? ForgetGate => null;

    /// <summary>The recorded name of the GRU update gate z, or null when the cell has none.</summary>
    public virtual string? UpdateGate => null;

    /// <summary>The name of the cell's entry in <see cref="FusedKernels"/> (a TorchScript function calling libtorch's
    /// fused operator), or null when libtorch has no kernel for it and the cell runs only the explicit path.</summary>
    public virtual string? FusedKernel => null;

    /// <summary>True when libtorch runs this cell: a module from <see cref="CreateWeights"/> that <see cref="RunModule(nn.Module, Tensor, ValueTuple{Tensor, Tensor}?)"/>
    /// calls, and a <see cref="FusedKernel"/>.</summary>
    public bool HasFusedKernel => FusedKernel is not null;

    /// <summary>The name the encoder registers the weight module under ("lstm", "gru", "rnn" or "variant"), so
    /// parameter paths read e.g. <c>lstm.weight_ih_l0</c>.</summary>
    public virtual string WeightsName => "variant";

    /// <summary>How the cell is written as an ONNX node.</summary>
    public abstract OnnxCellForm Onnx { get; }

    /// <summary>Peephole weights per layer and direction (3H for the peephole LSTM), 0 for cells without.</summary>
    public virtual int PeepholeSize(int hiddenSize) => 0;

    /// <summary>Parameters of one layer and direction reading <paramref name="inputSize"/> features:
    /// G(I + H)H + 2GH (b_ih and b_hh) + peepholes.</summary>
    public long ParametersPerDirection(long inputSize, int hiddenSize) =>
        GateCount * (inputSize + hiddenSize) * hiddenSize + 2L * GateCount * hiddenSize + PeepholeSize(hiddenSize);

    /// <summary>Advances one step. <paramref name="inputProjection"/>: [B, G·H]; <paramref name="h"/>,
    /// <paramref name="c"/>: [B, H]. Returns the new (h, c); c is null for cells without a cell state.</summary>
    public abstract (Tensor H, Tensor? C) Step(Tensor inputProjection, Tensor h, Tensor? c, CellWeights weights, GateRecorder? recorder);

    /// <summary>The module that holds a stack's weights under PyTorch's names (see <see cref="CellWeights"/>): libtorch's
    /// own torch.nn.LSTM/GRU/RNN for the cells it runs, an <see cref="ExplicitCellParameters"/> for the others.</summary>
    public virtual nn.Module CreateWeights(EncoderSpec spec) => new ExplicitCellParameters(spec, this);

    /// <summary>Runs the libtorch module from <see cref="CreateWeights"/> over a batch [B, T, I] with no padding;
    /// only for cells with <see cref="HasFusedKernel"/>.</summary>
    public virtual EncoderOutput RunModule(nn.Module module, Tensor input, (Tensor H, Tensor? C)? initialState) =>
        throw new NotSupportedException($"libtorch has no module for the {Kind} cell.");

    /// <summary>Runs the libtorch module from <see cref="CreateWeights"/> over a packed batch; returns the packed
    /// outputs and the final states; only for cells with <see cref="HasFusedKernel"/>.</summary>
    public virtual (PackedSequence Output, Tensor H, Tensor? C) RunModule(nn.Module module, PackedSequence input, (Tensor H, Tensor? C)? initialState) =>
        throw new NotSupportedException($"libtorch has no module for the {Kind} cell.");

    /// <summary>Sets the forget-gate bias of one layer and direction after the other biases were zeroed
    /// (see <see cref="RecurrentInitialization.ForgetGateBias"/>); does nothing for cells without a forget gate.</summary>
    public virtual void InitializeForgetBias(CellWeights weights, int hiddenSize, double bias)
    {
    }

    /// <summary>The (h0, c0) pair an LSTM module takes from an optional initial state.</summary>
    protected static (Tensor, Tensor)? LstmState((Tensor H, Tensor? C)? initialState) =>
        initialState is { } s ? (s.H, s.C ?? throw new ArgumentException("An LSTM needs an initial cell state.")) : null;
}
