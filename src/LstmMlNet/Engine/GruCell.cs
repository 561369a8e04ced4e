using static TorchSharp.torch;

namespace LstmMlNet.Engine;

/// <summary>
/// GRU step in the PyTorch/cuDNN form (gate order r, z, n; reset applied after the recurrent product):
/// r = σ(x_r + U_r h + b_hr), z = σ(x_z + U_z h + b_hz), n = tanh(x_n + r ⊙ (U_n h + b_hn)),
/// h' = (1 − z) ⊙ n + z ⊙ h. Cho et al. (2014) apply r before the product instead: U_n (r ⊙ h).
/// </summary>
internal sealed class GruCell : IRecurrentCell
{
    public static readonly GruCell Instance = new();

    public int GateCount => 3;

    public bool HasCellState => false;

    public (Tensor H, Tensor? C) Step(Tensor inputProjection, Tensor h, Tensor? c, CellWeights weights, GateRecorder? recorder)
    {
        Tensor[] x = inputProjection.chunk(3, dim: 1);
        Tensor[] u = nn.functional.linear(h, weights.RecurrentWeight, weights.RecurrentBias).chunk(3, dim: 1);
        Tensor r = (x[0] + u[0]).sigmoid();
        Tensor z = (x[1] + u[1]).sigmoid();
        Tensor n = (x[2] + r * u[2]).tanh();
        Tensor hNext = (1 - z) * n + z * h;
        recorder?.Record(("r", r), ("z", z), ("n", n), ("h", hNext));
        return (hNext, null);
    }
}
