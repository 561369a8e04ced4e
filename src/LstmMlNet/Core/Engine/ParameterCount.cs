using LstmMlNet.Engine;

namespace LstmMlNet;

/// <summary>
/// Closed-form parameter counts of recurrent encoders. Per layer and direction, with G gate blocks
/// (LSTM and peephole LSTM 4; GRU, Cho GRU, 1997 LSTM and CIFG LSTM 3; RNN 1), input size I_l (I for the first layer,
/// directions·H above it) and hidden size H: G·(I_l + H)·H weights plus 2·G·H biases (two bias vectors, b_ih and b_hh,
/// as PyTorch, cuDNN and ONNX; a single-bias convention such as Keras' has G·H biases instead), plus P peephole weights
/// (P = 3H for the peephole LSTM: diagonal p_i, p_f, p_o; P = 0 otherwise).
/// </summary>
public static class ParameterCount
{
    /// <summary>Gate blocks per cell: LSTM and peephole LSTM 4 (i, f, g, o); 1997 LSTM and CIFG LSTM 3 (i, g, o);
    /// GRU and Cho GRU 3 (r, z, n); RNN 1.</summary>
    public static int GateCount(RecurrentCellKind cell) => CellRegistry.For(cell).GateCount;

    /// <summary>Parameters of a recurrent encoder: Σ over layers and directions of G(I_l + H)H + 2GH + P,
    /// with P = 3H for <see cref="RecurrentCellKind.PeepholeLstm"/> and 0 for every other cell.</summary>
    /// <param name="cell">The cell kind.</param>
    /// <param name="inputSize">Features per step, I.</param>
    /// <param name="hiddenSize">Hidden units per direction, H.</param>
    /// <param name="layers">Stacked layers (default 1).</param>
    /// <param name="bidirectional">Two directions per layer (default false).</param>
    public static long Encoder(RecurrentCellKind cell, int inputSize, int hiddenSize, int layers = 1, bool bidirectional = false)
    {
        RecurrentCell descriptor = CellRegistry.For(cell);
        int directions = bidirectional ? 2 : 1;
        long total = 0;
        for (int layer = 0; layer < layers; layer++)
        {
            long inputs = layer == 0 ? inputSize : (long)directions * hiddenSize;
            total += directions * descriptor.ParametersPerDirection(inputs, hiddenSize);
        }
        return total;
    }
}
