namespace LstmMlNet;

/// <summary>
/// How strongly a loss reaches back through time: the L2 norm of ∂L/∂h_t, the gradient of the loss with respect to
/// the last layer's hidden state at step t, taken over the whole batch ([B, H] flattened), for t = 1 … T.
/// ∂L/∂h_t is the total derivative: through the loss directly and through every later step (the recurrence).
/// For an LSTM the cell state c_t is a separate path, so ∂L/∂h_t holds c_t fixed.
/// </summary>
public sealed class GradientFlowResult
{
    internal GradientFlowResult(RecurrentCellKind cell, double[] stepNorms)
    {
        if (stepNorms.Length == 0) throw new ArgumentException("At least one step is needed.", nameof(stepNorms));
        Cell = cell;
        this.stepNorms = stepNorms;
    }

    private readonly double[] stepNorms;

    /// <summary>The cell of the encoder measured.</summary>
    public RecurrentCellKind Cell { get; }

    /// <summary>Number of steps T.</summary>
    public int Steps => stepNorms.Length;

    /// <summary>‖∂L/∂h_t‖ for t = 1 … T (index 0 is step 1, the earliest). Unit: loss units per unit of hidden state.</summary>
    public IReadOnlyList<double> StepNorms => stepNorms;

    /// <summary>‖∂L/∂h_1‖ / ‖∂L/∂h_T‖: how much of the gradient at the last step survives back to the first.
    /// Much below 1 means vanishing gradients, much above 1 exploding ones. 0 when the first step's gradient underflows, NaN when the last step's does.</summary>
    public double FirstToLastRatio => stepNorms[^1] == 0 ? double.NaN : stepNorms[0] / stepNorms[^1];

    /// <summary>log10 ‖∂L/∂h_t‖ / ‖∂L/∂h_T‖ for t = 1 … T: each step's norm relative to the last step, in decades
    /// (−∞ where a norm underflows to 0).</summary>
    public double[] RelativeLog10Norms() => stepNorms.Select(n => Math.Log10(n / stepNorms[^1])).ToArray();
}
