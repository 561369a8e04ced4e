namespace LstmMlNet.Reference;

/// <summary>
/// The vanilla (Elman) RNN, as libtorch's <c>torch.nn.RNN</c> with one layer and one direction (G = 1):
/// <code>
/// a_t = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh
/// h_t = φ(a_t)                       φ = tanh or ReLU (<see cref="RnnActivation"/>)
/// </code>
/// Backward, with δh_t the total ∂L/∂h_t:
/// <code>
/// ∂L/∂a_t     = δh_t ⊙ φ'(a_t)          φ'(a_t) = 1 − h_t² (tanh) or [h_t &gt; 0] (ReLU)
/// ∂L/∂h_{t−1} = (∂L/∂a_t) W_hh          the repeated factor diag(φ') W_hh that vanishes or explodes over steps
/// </code>
/// and the weight and input gradients of the affine map (<see cref="RecurrentGradients"/>).
/// </summary>
public sealed class RnnReference : RecurrentReference
{
    /// <summary>Wraps weights with G = 1: W_ih <c>[H, I]</c>, W_hh <c>[H, H]</c>, b_ih and b_hh <c>[H]</c>.</summary>
    /// <param name="parameters">The weights (held, not copied).</param>
    /// <param name="activation">φ; tanh unless told.</param>
    public RnnReference(RecurrentParameters parameters, RnnActivation activation = RnnActivation.Tanh)
        : base(parameters, GateCount, hasCellState: false)
    {
        if (!Enum.IsDefined(activation))
        {
            throw new ArgumentOutOfRangeException(nameof(activation), activation, $"{nameof(activation)}: expected Tanh or Relu, got {activation}.");
        }
        Activation = activation;
    }

    /// <summary>The number of gate blocks in the weights: 1.</summary>
    public const int GateCount = 1;

    /// <summary>φ, the nonlinearity.</summary>
    public RnnActivation Activation { get; }

    private protected override void StepForward(ForwardPass pass, int step)
    {
        double[] a = Parameters.ProjectInput(pass.Input(step));
        double[] ah = Parameters.ProjectHidden(pass.PreviousHidden(step));
        Matrix h = pass.Hidden(step);
        Matrix gates = pass.GatesAt(step);
        int hidden = Parameters.HiddenSize;
        for (int n = 0; n < pass.Batch; n++)
        {
            for (int j = 0; j < hidden; j++)
            {
                double pre = a[n * hidden + j] + ah[n * hidden + j];
                double value = Activation == RnnActivation.Relu ? Math.Max(0.0, pre) : Math.Tanh(pre);
                h[n, j] = value;
                gates[n, j] = value;
            }
        }
    }

    private protected override void StepBackward(ForwardPass pass, int step, double[] hiddenGrad, double[]? cellGrad,
        RecurrentGradients gradients, double[] previousHiddenGrad, double[]? previousCellGrad)
    {
        Matrix h = pass.Hidden(step);
        int hidden = Parameters.HiddenSize;
        var preGrad = new double[pass.Batch * hidden];
        for (int n = 0; n < pass.Batch; n++)
        {
            for (int j = 0; j < hidden; j++)
            {
                double value = h[n, j];
                double derivative = Activation == RnnActivation.Relu ? (value > 0 ? 1.0 : 0.0) : 1 - value * value;
                preGrad[n * hidden + j] = hiddenGrad[n * hidden + j] * derivative;
            }
        }
        // One pre-activation sum: both affine maps receive the same gradient.
        gradients.AccumulateStep(pass, step, Parameters, preGrad, preGrad, previousHiddenGrad);
    }
}
