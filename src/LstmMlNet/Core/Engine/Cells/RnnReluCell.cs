namespace LstmMlNet.Engine;

/// <summary><see cref="RecurrentCellKind.RnnRelu"/>: h' = max(0, W x + b_ih + U h + b_hh) (see <see cref="ElmanCell"/>);
/// fused kernel torch.rnn_relu.</summary>
internal sealed class RnnReluCell : ElmanCell
{
    public RnnReluCell() : base(relu: true)
    {
    }

    public override RecurrentCellKind Kind => RecurrentCellKind.RnnRelu;

    public override string? FusedKernel => "rnn_relu";
}
