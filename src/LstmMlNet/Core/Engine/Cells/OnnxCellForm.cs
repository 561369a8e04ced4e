namespace LstmMlNet.Engine;

/// <summary>
/// How a cell is written as an ONNX recurrent node (opset 17).
/// </summary>
/// <param name="Operator">"LSTM", "GRU" or "RNN".</param>
/// <param name="Order">ONNX gate block k is source block Order[k] of the PyTorch-ordered weights, or a zero block where
/// Order[k] is −1 (a gate the cell does not have); its length is the ONNX gate count.</param>
/// <param name="Attributes">Integer attributes besides hidden_size and direction (e.g. linear_before_reset, input_forget).</param>
/// <param name="Activation">The RNN activation ("Tanh" or "Relu"), written once per direction; null for no activations attribute.</param>
/// <param name="AbsentGateBias">The input bias written into every absent gate block (Order[k] = −1); 0 by default.</param>
/// <param name="PeepholeOrder">ONNX peephole block k is source peephole block PeepholeOrder[k] (ONNX order i, o, f), written
/// as the optional input P [dirs, 3H]; null for cells without peepholes.</param>
internal sealed record OnnxCellForm(
    string Operator,
    int[] Order,
    IReadOnlyList<(string Name, long Value)> Attributes,
    string? Activation = null,
    float AbsentGateBias = 0f,
    int[]? PeepholeOrder = null)
{
    /// <summary>Gate blocks of the ONNX node.</summary>
    public int Gates => Order.Length;

    /// <summary>ONNX LSTM gate order i, o, f, c from PyTorch's i, f, g, o.</summary>
    public static readonly int[] LstmOrder = { 0, 3, 1, 2 };

    /// <summary>ONNX LSTM gate order i, o, (f), c from the three-block i, g, o: the forget block is absent.</summary>
    public static readonly int[] ThreeGateLstmOrder = { 0, 2, -1, 1 };

    /// <summary>ONNX GRU gate order z, r, h from PyTorch's r, z, n.</summary>
    public static readonly int[] GruOrder = { 1, 0, 2 };
}
