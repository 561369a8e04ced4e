using static TorchSharp.torch;

namespace LstmMlNet.Engine;

/// <summary>
/// GRU step, gate order r, z, n, in one of two forms:
/// <list type="bullet">
/// <item><see cref="GruCell"/>, the PyTorch/cuDNN form (reset applied after the recurrent product):
/// r = σ(x_r + U_r h + b_hr), z = σ(x_z + U_z h + b_hz), n = tanh(x_n + r ⊙ (U_n h + b_hn)).</item>
/// <item><see cref="ChoGruCell"/>, the form of Cho et al. (2014): n = tanh(x_n + U_n (r ⊙ h) + b_hn).</item>
/// </list>
/// Both: h' = (1 − z) ⊙ n + z ⊙ h, with x_k = W_k x + b_ik precomputed; ONNX GRU (z, r, h).
/// </summary>
internal abstract class GruFamilyCell : RecurrentCell
{
    private static readonly (string, string)[] GateList = { ("r", "sigmoid"), ("z", "sigmoid"), ("n", "tanh") };

    private readonly bool resetBefore;

    protected GruFamilyCell(bool resetBefore) => this.resetBefore = resetBefore;

    public override int GateCount => 3;

    public override IReadOnlyList<(string Name, string Activation)> Gates => GateList;

    public override bool HasCellState => false;

    public override string? UpdateGate => "z";

    public override (Tensor H, Tensor? C) Step(Tensor inputProjection, Tensor h, Tensor? c, CellWeights weights, GateRecorder? recorder)
    {
        Tensor[] x = inputProjection.chunk(3, dim: 1);
        Tensor r, z, n;
        if (!resetBefore)
        {
            Tensor[] u = nn.functional.linear(h, weights.RecurrentWeight, weights.RecurrentBias).chunk(3, dim: 1);
            r = x[0].Plus(u[0]).sigmoid();
            z = x[1].Plus(u[1]).sigmoid();
            n = x[2].Plus(r * u[2]).tanh();
        }
        else
        {
            long hidden = h.shape[1];
            Tensor? bias = weights.RecurrentBias;
            Tensor[] u = nn.functional.linear(h, weights.RecurrentWeight.narrow(0, 0, 2 * hidden), bias?.narrow(0, 0, 2 * hidden)).chunk(2, dim: 1);
            r = x[0].Plus(u[0]).sigmoid();
            z = x[1].Plus(u[1]).sigmoid();
            n = x[2].Plus(nn.functional.linear(r * h, weights.RecurrentWeight.narrow(0, 2 * hidden, hidden), bias?.narrow(0, 2 * hidden, hidden))).tanh();
        }
        Tensor hNext = (z.OneMinus() * n).Plus(z * h);
        recorder?.Record(("r", r), ("z", z), ("n", n), ("h", hNext));
        return (hNext, null);
    }
}
