using static TorchSharp.torch;

namespace LstmMlNet.Engine;

/// <summary>
/// LSTM step (PyTorch gate order i, f, g, o):
/// i = σ(x_i + U_i h + b_hi), f = σ(x_f + U_f h + b_hf), g = tanh(x_g + U_g h + b_hg), o = σ(x_o + U_o h + b_ho),
/// c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c'), where x_k = W_k x + b_ik is the precomputed input projection.
/// The cell-state path c' = f ⊙ c + … gives ∂c'/∂c = diag(f): the constant error carousel gated by f.
/// </summary>
internal sealed class LstmCell : IRecurrentCell
{
    public static readonly LstmCell Instance = new();

    public int GateCount => 4;

    public bool HasCellState => true;

    public (Tensor H, Tensor? C) Step(Tensor inputProjection, Tensor h, Tensor? c, CellWeights weights, GateRecorder? recorder)
    {
        ArgumentNullException.ThrowIfNull(c);
        Tensor gates = inputProjection + nn.functional.linear(h, weights.RecurrentWeight, weights.RecurrentBias);
        Tensor[] parts = gates.chunk(4, dim: 1);
        Tensor i = parts[0].sigmoid();
        Tensor f = parts[1].sigmoid();
        Tensor g = parts[2].tanh();
        Tensor o = parts[3].sigmoid();
        Tensor cNext = f * c + i * g;
        Tensor hNext = o * cNext.tanh();
        recorder?.Record(("i", i), ("f", f), ("g", g), ("o", o), ("c", cNext), ("h", hNext));
        return (hNext, cNext);
    }
}
