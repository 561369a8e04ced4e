namespace LstmMlNet.Engine;

/// <summary>
/// Initialisation of a recurrent encoder. Defaults: Xavier-uniform input weights, orthogonal recurrent
/// weights, zero biases, and an LSTM forget-gate bias of 1.0 (Gers et al. 2000; Jozefowicz et al. 2015),
/// which keeps the cell state flowing early in training.
/// </summary>
public sealed class RecurrentInitialization
{
    /// <summary>Input-to-hidden weights W (shape [gates·H, I]). Default <see cref="WeightInitialization.XavierUniform"/>.</summary>
    public WeightInitialization InputWeights { get; set; } = WeightInitialization.XavierUniform;

    /// <summary>Hidden-to-hidden weights U (shape [gates·H, H]). Default <see cref="WeightInitialization.Orthogonal"/>.</summary>
    public WeightInitialization RecurrentWeights { get; set; } = WeightInitialization.Orthogonal;

    /// <summary>Initial value of the LSTM forget-gate bias. It is put in the input bias b_ih; the recurrent bias
    /// b_hh of the forget gate starts at 0, so their sum, the effective bias, equals this value.
    /// Ignored by GRU and RNN cells. Default 1.0.</summary>
    public double ForgetGateBias { get; set; } = 1.0;

    /// <summary>When true, all weights and biases keep libtorch's own initialisation
    /// (U(−1/√H, 1/√H)) and the settings above are ignored. Default false.</summary>
    public bool UseLibTorchDefaults { get; set; }
}
