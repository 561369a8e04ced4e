using LstmMlNet.Engine;

namespace LstmMlNet;

/// <summary>
/// The recurrent encoder of a model: cell, hidden units per direction, stacked layers, direction, dropout between layers
/// and initialisation. The one type behind <see cref="LstmTrainerOptions.Network"/> (the binary, multiclass and
/// regression trainers), <see cref="LstmMlNet.LstmForecastingOptions.Network"/> (the forecaster) and the
/// configurations a model comparison tries.
/// </summary>
/// <remarks>
/// A new instance holds the defaults below: one unidirectional LSTM layer of 128 units, no dropout, the default
/// initialisation. The trainers' and the forecaster's options start from their own defaults (the trainers:
/// bidirectional, dropout 0.2; the forecaster: 64 units), so change members of the options' network in place and keep
/// the rest: <c>new LstmBinaryTrainer.Options { Network = { HiddenSize = 64 } }</c>. Assigning a new instance
/// (<c>Network = new RecurrentNetworkOptions { HiddenSize = 64 }</c>) replaces those defaults with the ones below.
/// </remarks>
public sealed class RecurrentNetworkOptions
{
    /// <summary>Recurrent cell. Default <see cref="RecurrentCellKind.Lstm"/> (for the trainers and the forecaster too).
    /// The variants (peephole, 1997 and CIFG LSTM, Cho GRU) train on the explicit per-step path, slower than the fused
    /// kernels of LSTM, GRU and RNN.</summary>
    public RecurrentCellKind Cell { get; set; } = RecurrentCellKind.Lstm;

    /// <summary>Hidden units per direction, H ≥ 1; a bidirectional layer outputs 2H values per step. Default 128 (the
    /// trainers too); the forecaster's options start at 64.</summary>
    public int HiddenSize { get; set; } = 128;

    /// <summary>Stacked recurrent layers, ≥ 1; each layer after the first reads the per-step outputs of the one below.
    /// Default 1 (the trainers and the forecaster too).</summary>
    public int Layers { get; set; } = 1;

    /// <summary>Run every layer over the sequence in both directions and concatenate the two outputs of each step.
    /// Default false (the forecaster too); the trainers' options start at true.</summary>
    public bool Bidirectional { get; set; }

    /// <summary>Dropout on the outputs of every recurrent layer but the last while training, in [0, 1); applies only with
    /// 2 or more <see cref="Layers"/>. Default 0 (the forecaster too); the trainers' options start at 0.2.</summary>
    public double Dropout { get; set; }

    /// <summary>Weight initialisation. Default: Xavier-uniform input weights, orthogonal recurrent weights, forget-gate
    /// bias 1 (see <see cref="RecurrentInitialization"/>).</summary>
    public RecurrentInitialization Initialization { get; set; } = new();

    /// <summary>Checks every value and throws <see cref="ArgumentOutOfRangeException"/> naming the first bad one
    /// ("HiddenSize must be a positive integer; got 0.").</summary>
    public void Validate() => Validate(null);

    /// <summary>Checks every value, naming an option as <paramref name="owner"/>.Member when an owner is given
    /// (e.g. "Network.HiddenSize" for the options that hold this network).</summary>
    internal void Validate(string? owner)
    {
        string Name(string member) => owner is null ? member : $"{owner}.{member}";
        if (!Enum.IsDefined(Cell)) throw TrainingOptions.Bad(Name(nameof(Cell)), Cell, $"one of {string.Join(", ", Enum.GetNames<RecurrentCellKind>())}");
        if (HiddenSize <= 0) throw TrainingOptions.Bad(Name(nameof(HiddenSize)), HiddenSize, "a positive integer");
        if (Layers <= 0) throw TrainingOptions.Bad(Name(nameof(Layers)), Layers, "a positive integer");
        if (!(Dropout >= 0 && Dropout < 1)) throw TrainingOptions.Bad(Name(nameof(Dropout)), Dropout, "a value in [0, 1)");
        if (Initialization is null) throw TrainingOptions.Bad(Name(nameof(Initialization)), "null", "a RecurrentInitialization");
        Initialization.Validate(Name(nameof(Initialization)));
    }

    /// <summary>A copy whose members, the initialisation's included, can change without touching this one.</summary>
    internal RecurrentNetworkOptions Clone()
    {
        var clone = (RecurrentNetworkOptions)MemberwiseClone();
        clone.Initialization = Initialization?.Clone()!; // a null stays null for Validate
        return clone;
    }

    /// <summary>The one mapping of these options onto the engine's network shape: <paramref name="spec"/> (input, head,
    /// pooling and the rest) with this network's cell, size, layers, direction, initialisation and dropout (0 for a
    /// single layer, which has no layer above it to drop towards).</summary>
    internal NetworkSpec ApplyTo(NetworkSpec spec) => spec with
    {
        Cell = Cell,
        HiddenSize = HiddenSize,
        Layers = Layers,
        Bidirectional = Bidirectional,
        Dropout = Layers > 1 ? Dropout : 0.0,
        Initialization = Initialization,
    };
}
