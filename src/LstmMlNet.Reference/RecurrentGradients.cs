namespace LstmMlNet.Reference;

/// <summary>
/// The gradients of a loss L with respect to everything a <see cref="RecurrentReference.Forward"/> pass read, as
/// computed by <see cref="RecurrentReference.Backward"/>. Shapes and layouts are those of the values themselves:
/// <list type="bullet">
/// <item><see cref="Parameters"/>: ∂L/∂W_ih <c>[G·H, I]</c>, ∂L/∂W_hh <c>[G·H, H]</c>, ∂L/∂b_ih and ∂L/∂b_hh <c>[G·H]</c>, in the cell's gate order</item>
/// <item><see cref="Inputs"/>: ∂L/∂x_t for every step, <c>[T, N, I]</c></item>
/// <item><see cref="InitialHidden"/>: ∂L/∂h_0 <c>[N, H]</c>; <see cref="InitialCell"/>: ∂L/∂c_0 <c>[N, H]</c> for the LSTM, else null</item>
/// </list>
/// Weight and bias gradients are summed over the steps and over the batch, as autograd does for shared weights.
/// </summary>
public sealed class RecurrentGradients
{
    internal RecurrentGradients(ForwardPass forward, RecurrentParameters weights)
    {
        Parameters = RecurrentParameters.Zeros(weights.GateCount, weights.InputSize, weights.HiddenSize);
        Inputs = new double[forward.Inputs.Length];
        InitialHidden = new double[forward.Batch * forward.HiddenSize];
    }

    /// <summary>∂L/∂W_ih, ∂L/∂W_hh, ∂L/∂b_ih, ∂L/∂b_hh, laid out as the weights.</summary>
    public RecurrentParameters Parameters { get; }

    /// <summary>∂L/∂x_1 … ∂L/∂x_T, <c>[T, N, I]</c>.</summary>
    public double[] Inputs { get; }

    /// <summary>∂L/∂h_0, <c>[N, H]</c>.</summary>
    public double[] InitialHidden { get; internal set; }

    /// <summary>∂L/∂c_0, <c>[N, H]</c>, for the LSTM; null for cells without a cell state.</summary>
    public double[]? InitialCell { get; internal set; }

    /// <summary>
    /// Backpropagates one step's gate pre-activation gradients through the two affine maps of the layer,
    /// a^x = W_ih x_t + b_ih and a^h = W_hh h_{t−1} + b_hh:
    /// ∂L/∂W_ih += (∂L/∂a^x)ᵀ x_t, ∂L/∂b_ih += Σ_batch ∂L/∂a^x, ∂L/∂x_t = (∂L/∂a^x) W_ih,
    /// ∂L/∂W_hh += (∂L/∂a^h)ᵀ h_{t−1}, ∂L/∂b_hh += Σ_batch ∂L/∂a^h, and ∂L/∂h_{t−1} += (∂L/∂a^h) W_hh.
    /// For the LSTM and the RNN both maps feed the same sum, so ∂L/∂a^x = ∂L/∂a^h; the GRU's differ in the n block.
    /// </summary>
    /// <param name="forward">The pass being differentiated.</param>
    /// <param name="step">The 0-based step index t.</param>
    /// <param name="weights">The layer's weights.</param>
    /// <param name="inputPreactivationGrad">∂L/∂a^x, <c>[N, G·H]</c>.</param>
    /// <param name="recurrentPreactivationGrad">∂L/∂a^h, <c>[N, G·H]</c>.</param>
    /// <param name="previousHiddenGrad">∂L/∂h_{t−1}, <c>[N, H]</c>, added to.</param>
    internal void AccumulateStep(ForwardPass forward, int step, RecurrentParameters weights,
        double[] inputPreactivationGrad, double[] recurrentPreactivationGrad, double[] previousHiddenGrad)
    {
        int batch = forward.Batch, rows = weights.GateRows;
        var inputGrad = new Matrix(inputPreactivationGrad, 0, batch, rows);
        var recurrentGrad = new Matrix(recurrentPreactivationGrad, 0, batch, rows);

        Matrix.AddTransposedProduct(inputGrad, forward.Input(step), Parameters.InputWeightMatrix);
        inputGrad.AddColumnSumsTo(Parameters.InputBias);
        Matrix.AddProduct(inputGrad, weights.InputWeightMatrix, Matrix.Block(Inputs, step, batch, weights.InputSize));

        Matrix.AddTransposedProduct(recurrentGrad, forward.PreviousHidden(step), Parameters.RecurrentWeightMatrix);
        recurrentGrad.AddColumnSumsTo(Parameters.RecurrentBias);
        Matrix.AddProduct(recurrentGrad, weights.RecurrentWeightMatrix, new Matrix(previousHiddenGrad, 0, batch, weights.HiddenSize));
    }
}
