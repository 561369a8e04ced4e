using LstmMlNet.Onnx;

namespace LstmMlNet.Engine;

/// <summary>
/// <see cref="RecurrentCellKind.Lstm1997"/> (Hochreiter &amp; Schmidhuber 1997): three gate blocks i, g, o and no forget
/// gate, c' = c + i ⊙ g, so ∂c'/∂c = I — the constant error carousel without a gate on it. ONNX: an LSTM whose forget
/// block has zero weights and the input bias <see cref="OnnxExporter.NoForgetGateBias"/>, so that f = 1.0 exactly.
/// </summary>
internal sealed class Lstm1997Cell : ThreeGateLstmCell
{
    private static readonly (string, string)[] GateList = { ("i", "sigmoid"), ("g", "tanh"), ("o", "sigmoid") };

    public Lstm1997Cell() : base(coupled: false)
    {
    }

    public override RecurrentCellKind Kind => RecurrentCellKind.Lstm1997;

    public override IReadOnlyList<(string Name, string Activation)> Gates => GateList;

    public override OnnxCellForm Onnx { get; } = new("LSTM", OnnxCellForm.ThreeGateLstmOrder, Array.Empty<(string, long)>(),
        AbsentGateBias: OnnxExporter.NoForgetGateBias);
}
