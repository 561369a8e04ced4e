using static TorchSharp.torch;

namespace LstmMlNet.Engine;

/// <summary>
/// LSTM steps with three gate blocks, order i, g, o (x_k = W_k x + b_ik precomputed):
/// i = σ(x_i + U_i h + b_hi), g = tanh(x_g + U_g h + b_hg), o = σ(x_o + U_o h + b_ho), h' = o ⊙ tanh(c'), and either
/// c' = c + i ⊙ g (no forget gate, <see cref="Lstm1997Cell"/>) or f = 1 − i, c' = f ⊙ c + i ⊙ g (coupled,
/// <see cref="CifgLstmCell"/>, which records f as a gate). No libtorch kernel; written to ONNX as an LSTM whose
/// forget block is absent (zero weights).
/// </summary>
internal abstract class ThreeGateLstmCell : RecurrentCell
{
    private readonly bool coupled;

    protected ThreeGateLstmCell(bool coupled) => this.coupled = coupled;

    public override int GateCount => 3;

    public override bool HasCellState => true;

    public override (Tensor H, Tensor? C) Step(Tensor inputProjection, Tensor h, Tensor? c, CellWeights weights, GateRecorder? recorder)
    {
        ArgumentNullException.ThrowIfNull(c);
        Tensor gates = inputProjection.Plus(nn.functional.linear(h, weights.RecurrentWeight, weights.RecurrentBias));
        Tensor[] parts = gates.chunk(3, dim: 1);
        Tensor i = parts[0].sigmoid();
        Tensor g = parts[1].tanh();
        Tensor o = parts[2].sigmoid();
        Tensor? f = coupled ? i.OneMinus() : null;
        Tensor cNext = f is null ? c.Plus(i * g) : (f * c).Plus(i * g);
        Tensor hNext = o * cNext.tanh();
        if (recorder is not null)
        {
            if (f is null) recorder.Record(("i", i), ("g", g), ("o", o), ("c", cNext), ("h", hNext));
            else recorder.Record(("i", i), ("f", f), ("g", g), ("o", o), ("c", cNext), ("h", hNext));
        }
        return (hNext, cNext);
    }
}
