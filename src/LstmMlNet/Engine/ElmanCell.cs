using static TorchSharp.torch;

namespace LstmMlNet.Engine;

/// <summary>Elman RNN step: h' = φ(x + U h + b_hh) with φ = tanh or ReLU, x = W x_t + b_ih precomputed.
/// ∂h'/∂h = diag(φ') U, whose repeated product over steps is what vanishes or explodes.</summary>
internal sealed class ElmanCell : IRecurrentCell
{
    public static readonly ElmanCell Tanh = new(relu: false);
    public static readonly ElmanCell Relu = new(relu: true);

    private readonly bool relu;

    private ElmanCell(bool relu) => this.relu = relu;

    public int GateCount => 1;

    public bool HasCellState => false;

    public (Tensor H, Tensor? C) Step(Tensor inputProjection, Tensor h, Tensor? c, CellWeights weights, GateRecorder? recorder)
    {
        Tensor pre = inputProjection + nn.functional.linear(h, weights.RecurrentWeight, weights.RecurrentBias);
        Tensor hNext = relu ? pre.relu() : pre.tanh();
        recorder?.Record(("h", hNext));
        return (hNext, null);
    }
}
