namespace LstmMlNet.Engine;

/// <summary>
/// Closed-form parameter counts of recurrent encoders. Per layer and direction, with G gate blocks
/// (LSTM 4, GRU 3, RNN 1), input size I_l (I for the first layer, directions·H above it) and hidden size H:
/// G·(I_l + H)·H weights plus 2·G·H biases (two bias vectors, b_ih and b_hh, as PyTorch, cuDNN and ONNX;
/// a single-bias convention such as Keras' has G·H biases instead).
/// </summary>
public static class ParameterCount
{
    /// <summary>Gate blocks per cell: LSTM 4, GRU 3, RNN 1.</summary>
    public static int GateCount(RecurrentCellKind cell) => cell switch
    {
        RecurrentCellKind.Lstm => 4,
        RecurrentCellKind.Gru => 3,
        RecurrentCellKind.RnnTanh or RecurrentCellKind.RnnRelu => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(cell), cell, "Unknown cell kind."),
    };

    /// <summary>Parameters of a recurrent encoder: Σ over layers and directions of G(I_l + H)H + 2GH.</summary>
    /// <param name="cell">The cell kind.</param>
    /// <param name="inputSize">Features per step, I.</param>
    /// <param name="hiddenSize">Hidden units per direction, H.</param>
    /// <param name="layers">Stacked layers (default 1).</param>
    /// <param name="bidirectional">Two directions per layer (default false).</param>
    public static long Encoder(RecurrentCellKind cell, int inputSize, int hiddenSize, int layers = 1, bool bidirectional = false)
    {
        long g = GateCount(cell);
        int directions = bidirectional ? 2 : 1;
        long total = 0;
        for (int layer = 0; layer < layers; layer++)
        {
            long inputs = layer == 0 ? inputSize : (long)directions * hiddenSize;
            total += directions * (g * (inputs + hiddenSize) * hiddenSize + 2 * g * hiddenSize);
        }
        return total;
    }
}
