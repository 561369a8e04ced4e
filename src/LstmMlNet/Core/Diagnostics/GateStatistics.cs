namespace LstmMlNet;

/// <summary>
/// Summary of one gate (or activation) of one layer over every recorded step, sequence and unit (T·B·H values).
/// Saturation thresholds: a sigmoid gate (LSTM i, f, o; GRU r, z) is low below 0.1 and high above 0.9, where
/// σ' &lt; 0.09; a tanh activation (LSTM g, GRU n, tanh RNN h) is low below −0.9 and high above 0.9, where
/// tanh' &lt; 0.19; a ReLU activation (ReLU RNN h) is low when exactly 0 (no gradient) and never high.
/// </summary>
/// <param name="Layer">Layer index, 0 = the layer reading the input.</param>
/// <param name="Gate">Gate name in PyTorch's notation: "i", "f", "g", "o" (LSTM, peephole LSTM, CIFG LSTM, whose f is
/// 1 − i), "i", "g", "o" (1997 LSTM, no forget gate), "r", "z", "n" (GRU, Cho GRU), "h" (RNN activation).</param>
/// <param name="Activation">The nonlinearity producing the gate: "sigmoid", "tanh" or "relu".</param>
/// <param name="Mean">Mean activation (unitless).</param>
/// <param name="LowFraction">Fraction of values below the low threshold, in [0, 1].</param>
/// <param name="HighFraction">Fraction of values above the high threshold, in [0, 1].</param>
public sealed record GateStatistics(int Layer, string Gate, string Activation, double Mean, double LowFraction, double HighFraction)
{
    /// <summary>Fraction of saturated values, <see cref="LowFraction"/> + <see cref="HighFraction"/>, in [0, 1].</summary>
    public double SaturatedFraction => LowFraction + HighFraction;

}
