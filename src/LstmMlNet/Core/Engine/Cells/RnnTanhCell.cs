namespace LstmMlNet.Engine;

/// <summary><see cref="RecurrentCellKind.RnnTanh"/>: h' = tanh(W x + b_ih + U h + b_hh) (see <see cref="ElmanCell"/>);
/// fused kernel torch.rnn_tanh.</summary>
internal sealed class RnnTanhCell : ElmanCell
{
    public RnnTanhCell() : base(relu: false)
    {
    }

    public override RecurrentCellKind Kind => RecurrentCellKind.RnnTanh;

    public override string? FusedKernel => "rnn_tanh";
}
