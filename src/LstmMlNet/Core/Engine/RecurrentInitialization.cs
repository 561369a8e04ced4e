namespace LstmMlNet;

/// <summary>
/// Initialisation of a recurrent encoder. Defaults: Xavier-uniform input weights, orthogonal recurrent
/// weights, zero biases, zero peephole weights (peephole LSTM), and an LSTM forget-gate bias of 1.0 (Gers et al. 2000; Jozefowicz et al. 2015),
/// which keeps the cell state flowing early in training.
/// </summary>
public sealed class RecurrentInitialization
{
    /// <summary>Input-to-hidden weights W (shape [gates·H, I]). Default <see cref="WeightInitialization.XavierUniform"/>.</summary>
    public WeightInitialization InputWeights { get; set; } = WeightInitialization.XavierUniform;

    /// <summary>Hidden-to-hidden weights U (shape [gates·H, H]). Default <see cref="WeightInitialization.Orthogonal"/>.</summary>
    public WeightInitialization RecurrentWeights { get; set; } = WeightInitialization.Orthogonal;

    /// <summary>Initial value of the LSTM forget-gate bias. It is put in the input bias b_ih; the recurrent bias
    /// b_hh of the forget gate starts at 0, so their sum, the effective bias, equals this value. Used by
    /// <see cref="RecurrentCellKind.Lstm"/> and <see cref="RecurrentCellKind.PeepholeLstm"/>; for
    /// <see cref="RecurrentCellKind.CifgLstm"/>, whose forget gate is f = 1 − i = σ(−a_i), the input-gate bias b_ih
    /// starts at minus this value, so f again starts at σ(this value). Ignored by the 1997 LSTM (no forget gate),
    /// GRU and RNN cells. Default 1.0.</summary>
    public double ForgetGateBias { get; set; } = 1.0;

    /// <summary>When true, all weights and biases keep libtorch's own initialisation
    /// (U(−1/√H, 1/√H); the variants' weights, peepholes included, are drawn the same way) and the settings above
    /// are ignored. Default false.</summary>
    public bool UseLibTorchDefaults { get; set; }

    /// <summary>A copy (every member is a value).</summary>
    internal RecurrentInitialization Clone() => (RecurrentInitialization)MemberwiseClone();

    /// <summary>Checks every value, naming the option as <paramref name="owner"/>.Member (e.g. "Initialization.ForgetGateBias").</summary>
    internal void Validate(string owner)
    {
        if (!Enum.IsDefined(InputWeights))
            throw new ArgumentOutOfRangeException($"{owner}.{nameof(InputWeights)}", InputWeights, $"{owner}.{nameof(InputWeights)} must be one of {string.Join(", ", Enum.GetNames<WeightInitialization>())}; got {InputWeights}.");
        if (!Enum.IsDefined(RecurrentWeights))
            throw new ArgumentOutOfRangeException($"{owner}.{nameof(RecurrentWeights)}", RecurrentWeights, $"{owner}.{nameof(RecurrentWeights)} must be one of {string.Join(", ", Enum.GetNames<WeightInitialization>())}; got {RecurrentWeights}.");
        if (!double.IsFinite(ForgetGateBias))
            throw new ArgumentOutOfRangeException($"{owner}.{nameof(ForgetGateBias)}", ForgetGateBias, $"{owner}.{nameof(ForgetGateBias)} must be a finite number; got {ForgetGateBias.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
    }
}
