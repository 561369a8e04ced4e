
namespace LstmMlNet;

/// <summary>
/// What the gates of one layer did over a batch of sequences (forward direction, every step, every unit).
/// </summary>
/// <param name="Layer">Layer index, 0 = the layer reading the input.</param>
/// <param name="Gates">One entry per gate in PyTorch's order (LSTM, peephole and CIFG LSTM i, f, g, o; 1997 LSTM
/// i, g, o; GRU and Cho GRU r, z, n; RNN h).</param>
/// <param name="MeanForgetGate">LSTM, peephole LSTM, CIFG LSTM (f = 1 − i): mean forget gate f in (0, 1), the fraction
/// of the cell state kept per step (∂c_t/∂c_{t−1} = diag(f) apart from peephole terms); null for other cells, the 1997
/// LSTM included (no forget gate: f ≡ 1).</param>
/// <param name="MeanUpdateGate">GRU and Cho GRU: mean update gate z in (0, 1), the fraction of the hidden state carried
/// over per step (h' = (1 − z) ⊙ n + z ⊙ h); null for other cells.</param>
/// <param name="MeanCellMagnitude">Every LSTM variant: mean |c_t| over steps, sequences and units (unbounded;
/// hidden-state units); null for other cells.</param>
/// <param name="HiddenStd">Standard deviation of the hidden states h_t over steps, sequences and units (population
/// form, divisor n). Near 0 means the layer says little; for tanh cells values near 1 mean saturation.</param>
public sealed record LayerStatistics(int Layer, IReadOnlyList<GateStatistics> Gates, double? MeanForgetGate,
    double? MeanUpdateGate, double? MeanCellMagnitude, double HiddenStd);
