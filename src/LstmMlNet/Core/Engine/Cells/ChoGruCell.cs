namespace LstmMlNet.Engine;

/// <summary><see cref="RecurrentCellKind.ChoGru"/>, the Cho et al. (2014) form with the reset gate before the recurrent
/// product (see <see cref="GruFamilyCell"/>): no libtorch kernel; ONNX GRU with linear_before_reset = 0.</summary>
internal sealed class ChoGruCell : GruFamilyCell
{
    public ChoGruCell() : base(resetBefore: true)
    {
    }

    public override RecurrentCellKind Kind => RecurrentCellKind.ChoGru;

    public override OnnxCellForm Onnx { get; } = new("GRU", OnnxCellForm.GruOrder, new[] { ("linear_before_reset", 0L) });
}
