using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.utils.rnn;

namespace LstmMlNet.Engine;

/// <summary>
/// <see cref="RecurrentCellKind.Lstm"/>, PyTorch gate order i, f, g, o:
/// i = σ(x_i + U_i h + b_hi), f = σ(x_f + U_f h + b_hf), g = tanh(x_g + U_g h + b_hg), o = σ(x_o + U_o h + b_ho),
/// c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c'), where x_k = W_k x + b_ik is the precomputed input projection.
/// The cell-state path c' = f ⊙ c + … gives ∂c'/∂c = diag(f): the constant error carousel gated by f.
/// Weights in torch.nn.LSTM; fused kernel torch.lstm; ONNX LSTM (i, o, f, c).
/// </summary>
internal sealed class LstmCell : RecurrentCell
{
    private static readonly (string, string)[] GateList = { ("i", "sigmoid"), ("f", "sigmoid"), ("g", "tanh"), ("o", "sigmoid") };

    public override RecurrentCellKind Kind => RecurrentCellKind.Lstm;

    public override int GateCount => 4;

    public override IReadOnlyList<(string Name, string Activation)> Gates => GateList;

    public override bool HasCellState => true;

    public override string? ForgetGate => "f";

    public override string? FusedKernel => "lstm";

    public override string WeightsName => "lstm";

    public override OnnxCellForm Onnx { get; } = new("LSTM", OnnxCellForm.LstmOrder, Array.Empty<(string, long)>());

    public override (Tensor H, Tensor? C) Step(Tensor inputProjection, Tensor h, Tensor? c, CellWeights weights, GateRecorder? recorder)
    {
        ArgumentNullException.ThrowIfNull(c);
        Tensor gates = inputProjection.Plus(nn.functional.linear(h, weights.RecurrentWeight, weights.RecurrentBias));
        Tensor[] parts = gates.chunk(4, dim: 1);
        Tensor i = parts[0].sigmoid();
        Tensor f = parts[1].sigmoid();
        Tensor g = parts[2].tanh();
        Tensor o = parts[3].sigmoid();
        Tensor cNext = (f * c).Plus(i * g);
        Tensor hNext = o * cNext.tanh();
        recorder?.Record(("i", i), ("f", f), ("g", g), ("o", o), ("c", cNext), ("h", hNext));
        return (hNext, cNext);
    }

    public override nn.Module CreateWeights(EncoderSpec spec) =>
        nn.LSTM(spec.InputSize, spec.HiddenSize, spec.Layers, bias: true, batchFirst: true, dropout: spec.Dropout, bidirectional: spec.Bidirectional);

    public override EncoderOutput RunModule(nn.Module module, Tensor input, (Tensor H, Tensor? C)? initialState)
    {
        var (o, h, c) = ((LSTM)module).call(input, LstmState(initialState));
        return new EncoderOutput(o, h, c);
    }

    public override (PackedSequence Output, Tensor H, Tensor? C) RunModule(nn.Module module, PackedSequence input, (Tensor H, Tensor? C)? initialState)
    {
        var (o, h, c) = ((LSTM)module).call(input, LstmState(initialState));
        return (o, h, c);
    }

    /// <summary>The forget block's input bias b_if = <paramref name="bias"/> (b_hf stays 0).</summary>
    public override void InitializeForgetBias(CellWeights weights, int hiddenSize, double bias) =>
        weights.InputBias!.narrow(0, hiddenSize, hiddenSize).FillWith(bias);
}
