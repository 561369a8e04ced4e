namespace LstmMlNet.Diagnostics;

/// <summary>
/// What the gates of one layer did over a batch of sequences (forward direction, every step, every unit).
/// </summary>
/// <param name="Layer">Layer index, 0 = the layer reading the input.</param>
/// <param name="Gates">One entry per gate in PyTorch's order (LSTM i, f, g, o; GRU r, z, n; RNN h).</param>
/// <param name="MeanForgetGate">LSTM: mean forget gate f in (0, 1), the fraction of the cell state kept per step
/// (∂c_t/∂c_{t−1} = diag(f)); null for other cells.</param>
/// <param name="MeanUpdateGate">GRU: mean update gate z in (0, 1), the fraction of the hidden state carried over
/// per step (h' = (1 − z) ⊙ n + z ⊙ h); null for other cells.</param>
/// <param name="MeanCellMagnitude">LSTM: mean |c_t| over steps, sequences and units (unbounded; hidden-state units);
/// null for other cells.</param>
/// <param name="HiddenStd">Standard deviation of the hidden states h_t over steps, sequences and units (population
/// form, divisor n). Near 0 means the layer says little; for tanh cells values near 1 mean saturation.</param>
public sealed record LayerStatistics(int Layer, IReadOnlyList<GateStatistics> Gates, double? MeanForgetGate,
    double? MeanUpdateGate, double? MeanCellMagnitude, double HiddenStd);
