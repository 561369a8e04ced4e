namespace LstmMlNet.Engine;

/// <summary>The shape of a recurrent encoder: cell, input size I, hidden size H, stacked layers,
/// directions, and dropout applied to the outputs of every layer but the last (training only).</summary>
internal sealed record EncoderSpec(
    RecurrentCellKind Cell,
    int InputSize,
    int HiddenSize,
    int Layers = 1,
    bool Bidirectional = false,
    double Dropout = 0.0,
    RecurrentInitialization? Initialization = null)
{
    public int Directions => Bidirectional ? 2 : 1;

    /// <summary>Width of each per-step output: directions × H.</summary>
    public int OutputSize => Directions * HiddenSize;

    public void Validate()
    {
        if (InputSize <= 0) throw new ArgumentOutOfRangeException(nameof(InputSize), InputSize, "Input size must be a positive integer.");
        if (HiddenSize <= 0) throw new ArgumentOutOfRangeException(nameof(HiddenSize), HiddenSize, "Hidden size must be a positive integer.");
        if (Layers <= 0) throw new ArgumentOutOfRangeException(nameof(Layers), Layers, "The number of layers must be a positive integer.");
        if (Dropout is < 0.0 or >= 1.0 || double.IsNaN(Dropout)) throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "Dropout must be in [0, 1).");
    }
}
