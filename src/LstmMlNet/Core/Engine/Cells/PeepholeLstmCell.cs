using static TorchSharp.torch;

namespace LstmMlNet.Engine;

/// <summary>
/// <see cref="RecurrentCellKind.PeepholeLstm"/> (Gers &amp; Schmidhuber 2000), gate order i, f, g, o, peepholes (p_i, p_f, p_o):
/// i = σ(x_i + U_i h + b_hi + p_i ⊙ c), f = σ(x_f + U_f h + b_hf + p_f ⊙ c), g = tanh(x_g + U_g h + b_hg),
/// c' = f ⊙ c + i ⊙ g, o = σ(x_o + U_o h + b_ho + p_o ⊙ c'), h' = o ⊙ tanh(c'), where x_k = W_k x + b_ik.
/// No libtorch kernel; ONNX LSTM with the optional peephole input P (order i, o, f).
/// </summary>
internal sealed class PeepholeLstmCell : RecurrentCell
{
    private static readonly (string, string)[] GateList = { ("i", "sigmoid"), ("f", "sigmoid"), ("g", "tanh"), ("o", "sigmoid") };

    public override RecurrentCellKind Kind => RecurrentCellKind.PeepholeLstm;

    public override int GateCount => 4;

    public override IReadOnlyList<(string Name, string Activation)> Gates => GateList;

    public override bool HasCellState => true;

    public override string? ForgetGate => "f";

    public override OnnxCellForm Onnx { get; } = new("LSTM", OnnxCellForm.LstmOrder, Array.Empty<(string, long)>(), PeepholeOrder: new[] { 0, 2, 1 });

    /// <summary>3H: diagonal p_i, p_f, p_o.</summary>
    public override int PeepholeSize(int hiddenSize) => 3 * hiddenSize;

    public override (Tensor H, Tensor? C) Step(Tensor inputProjection, Tensor h, Tensor? c, CellWeights weights, GateRecorder? recorder)
    {
        ArgumentNullException.ThrowIfNull(c);
        Tensor peephole = weights.Peephole ?? throw new ArgumentException("A peephole LSTM needs peephole weights.", nameof(weights));
        Tensor[] p = peephole.chunk(3, dim: 0);
        Tensor gates = inputProjection.Plus(nn.functional.linear(h, weights.RecurrentWeight, weights.RecurrentBias));
        Tensor[] parts = gates.chunk(4, dim: 1);
        Tensor i = parts[0].Plus(p[0] * c).sigmoid();
        Tensor f = parts[1].Plus(p[1] * c).sigmoid();
        Tensor g = parts[2].tanh();
        Tensor cNext = (f * c).Plus(i * g);
        Tensor o = parts[3].Plus(p[2] * cNext).sigmoid();
        Tensor hNext = o * cNext.tanh();
        recorder?.Record(("i", i), ("f", f), ("g", g), ("o", o), ("c", cNext), ("h", hNext));
        return (hNext, cNext);
    }

    /// <summary>The forget block's input bias b_if = <paramref name="bias"/>, as the LSTM.</summary>
    public override void InitializeForgetBias(CellWeights weights, int hiddenSize, double bias) =>
        weights.InputBias!.narrow(0, hiddenSize, hiddenSize).FillWith(bias);
}
