namespace LstmMlNet.Engine;

/// <summary>
/// <see cref="RecurrentCellKind.CifgLstm"/> (Greff et al. 2017): three gate blocks i, g, o with the forget gate coupled
/// to the input gate, f = 1 − i (recorded as gate "f"). ONNX: an LSTM with input_forget = 1 and a zero forget block.
/// </summary>
internal sealed class CifgLstmCell : ThreeGateLstmCell
{
    private static readonly (string, string)[] GateList = { ("i", "sigmoid"), ("f", "sigmoid"), ("g", "tanh"), ("o", "sigmoid") };

    public CifgLstmCell() : base(coupled: true)
    {
    }

    public override RecurrentCellKind Kind => RecurrentCellKind.CifgLstm;

    public override IReadOnlyList<(string Name, string Activation)> Gates => GateList;

    public override string? ForgetGate => "f";

    public override OnnxCellForm Onnx { get; } = new("LSTM", OnnxCellForm.ThreeGateLstmOrder, new[] { ("input_forget", 1L) });

    /// <summary>f = 1 − σ(a_i) = σ(−a_i): an input-gate bias b_ii of −<paramref name="bias"/> gives the forget gate the
    /// effective bias <paramref name="bias"/>.</summary>
    public override void InitializeForgetBias(CellWeights weights, int hiddenSize, double bias) =>
        weights.InputBias!.narrow(0, 0, hiddenSize).FillWith(-bias);
}
