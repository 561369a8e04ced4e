using LstmMlNet.Engine;

namespace LstmMlNet;

/// <summary>
/// The recurrent encoder of a model: cell, hidden units per direction, stacked layers, direction, dropout between layers
/// and initialisation. The one type behind <see cref="LstmTrainerOptions.Network"/> (the binary, multiclass and
/// regression trainers), <see cref="LstmMlNet.LstmForecastingOptions.Network"/> (the forecaster) and the
/// configurations a model comparison tries.
/// </summary>
/// <remarks>
/// <para>A member that was never set reports the defaults of the options that hold this instance, so both ways of
/// configuring a network keep the owner's defaults for what they do not set:
/// <c>new LstmBinaryTrainer.Options { Network = { Cell = RecurrentCellKind.Gru } }</c> (change the options' own network)
/// and <c>new LstmBinaryTrainer.Options { Network = new RecurrentNetworkOptions { Cell = RecurrentCellKind.Gru } }</c>
/// (assign a new one) both train a bidirectional GRU of 64 units with dropout 0.2, the binary trainer's defaults.</para>
/// <para>The owners' defaults: the binary and multiclass trainers (<see cref="LstmClassifierOptions"/>) one
/// bidirectional LSTM layer of 64 units, dropout 0.2 between layers; the regression trainer the same with 128 units; the
/// forecaster (<see cref="LstmMlNet.LstmForecastingOptions"/>) one unidirectional LSTM layer of 64 units, no dropout.
/// An instance held by no options reports the type's own defaults: one unidirectional LSTM layer of 128 units, no
/// dropout.</para>
/// <para>Assigning an instance to <c>Network</c> makes that options object its owner: the same instance is stored, and
/// later changes to it reach the options. An instance that already belongs to options with other defaults (a
/// classifier's network assigned to the forecaster) is copied instead, so neither owner's defaults change the other's
/// network; the copy keeps every member that was set.</para>
/// </remarks>
public sealed class RecurrentNetworkOptions
{
    /// <summary>The defaults of an instance that no options hold.</summary>
    internal static readonly NetworkDefaults TypeDefaults = new(RecurrentCellKind.Lstm, 128, 1, false, 0.0);

    private NetworkDefaults? owner; // null: held by no options
    private RecurrentCellKind? cell;
    private int? hiddenSize;
    private int? layers;
    private bool? bidirectional;
    private double? dropout;

    /// <summary>The defaults unset members report: the owner's, or the type's.</summary>
    internal NetworkDefaults Defaults => owner ?? TypeDefaults;

    /// <summary>Recurrent cell. Default <see cref="RecurrentCellKind.Lstm"/> (every trainer and the forecaster too).
    /// The variants (peephole, 1997 and CIFG LSTM, Cho GRU) train on the explicit per-step path, slower than the fused
    /// kernels of LSTM, GRU and RNN.</summary>
    public RecurrentCellKind Cell { get => cell ?? Defaults.Cell; set => cell = value; }

    /// <summary>Hidden units per direction, H ≥ 1; a bidirectional layer outputs 2H values per step. Default: the
    /// owner's (64 for the binary and multiclass trainers and the forecaster, 128 for the regression trainer); 128 for
    /// an instance no options hold.</summary>
    public int HiddenSize { get => hiddenSize ?? Defaults.HiddenSize; set => hiddenSize = value; }

    /// <summary>Stacked recurrent layers, ≥ 1; each layer after the first reads the per-step outputs of the one below.
    /// Default 1 (every trainer and the forecaster too).</summary>
    public int Layers { get => layers ?? Defaults.Layers; set => layers = value; }

    /// <summary>Run every layer over the sequence in both directions and concatenate the two outputs of each step.
    /// Default: the owner's (true for the binary, multiclass and regression trainers, false for the forecaster); false
    /// for an instance no options hold.</summary>
    public bool Bidirectional { get => bidirectional ?? Defaults.Bidirectional; set => bidirectional = value; }

    /// <summary>Dropout on the outputs of every recurrent layer but the last while training, in [0, 1); applies only with
    /// 2 or more <see cref="Layers"/>. Default: the owner's (0.2 for the binary, multiclass and regression trainers, 0 for
    /// the forecaster); 0 for an instance no options hold.</summary>
    public double Dropout { get => dropout ?? Defaults.Dropout; set => dropout = value; }

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

    /// <summary>This instance as the network of options whose defaults are <paramref name="defaults"/>, for their
    /// <c>Network</c> setter: this instance, now owned by them, when no options or options with the same defaults hold
    /// it; otherwise a copy (every set member kept) owned by them, so the other owner's network does not change. Null
    /// stays null (the owner's Validate names it).</summary>
    internal static RecurrentNetworkOptions? Adopt(RecurrentNetworkOptions? network, NetworkDefaults defaults)
    {
        if (network is null) return null;
        RecurrentNetworkOptions adopted = network.owner is null || network.owner == defaults ? network : network.Clone();
        adopted.owner = defaults;
        return adopted;
    }

    /// <summary>A new network owned by options whose defaults are <paramref name="defaults"/>: every member unset.</summary>
    internal static RecurrentNetworkOptions OwnedBy(NetworkDefaults defaults) => new() { owner = defaults };

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
