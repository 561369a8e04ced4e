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
        // Invariants of specs built from validated options (RecurrentNetworkOptions words the user-facing errors).
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(InputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(HiddenSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Layers);
        RequireDropout(Dropout);
    }

    /// <summary>Throws unless <paramref name="dropout"/> is in [0, 1).</summary>
    internal static void RequireDropout(double dropout, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(dropout))] string? name = null)
    {
        if (!(dropout >= 0 && dropout < 1)) throw new ArgumentOutOfRangeException(name, dropout, null);
    }
}
