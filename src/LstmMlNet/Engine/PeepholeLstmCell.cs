using static TorchSharp.torch;

namespace LstmMlNet.Engine;

/// <summary>
/// Peephole LSTM step (Gers &amp; Schmidhuber 2000), gate order i, f, g, o, peepholes (p_i, p_f, p_o):
/// i = σ(x_i + U_i h + b_hi + p_i ⊙ c), f = σ(x_f + U_f h + b_hf + p_f ⊙ c), g = tanh(x_g + U_g h + b_hg),
/// c' = f ⊙ c + i ⊙ g, o = σ(x_o + U_o h + b_ho + p_o ⊙ c'), h' = o ⊙ tanh(c'), where x_k = W_k x + b_ik.
/// </summary>
internal sealed class PeepholeLstmCell : IRecurrentCell
{
    public static readonly PeepholeLstmCell Instance = new();

    public int GateCount => 4;

    public bool HasCellState => true;

    public (Tensor H, Tensor? C) Step(Tensor inputProjection, Tensor h, Tensor? c, CellWeights weights, GateRecorder? recorder)
    {
        ArgumentNullException.ThrowIfNull(c);
        Tensor peephole = weights.Peephole ?? throw new ArgumentException("A peephole LSTM needs peephole weights.", nameof(weights));
        Tensor[] p = peephole.chunk(3, dim: 0);
        Tensor gates = inputProjection + nn.functional.linear(h, weights.RecurrentWeight, weights.RecurrentBias);
        Tensor[] parts = gates.chunk(4, dim: 1);
        Tensor i = (parts[0] + p[0] * c).sigmoid();
        Tensor f = (parts[1] + p[1] * c).sigmoid();
        Tensor g = parts[2].tanh();
        Tensor cNext = f * c + i * g;
        Tensor o = (parts[3] + p[2] * cNext).sigmoid();
        Tensor hNext = o * cNext.tanh();
        recorder?.Record(("i", i), ("f", f), ("g", g), ("o", o), ("c", cNext), ("h", hNext));
        return (hNext, cNext);
    }
}
