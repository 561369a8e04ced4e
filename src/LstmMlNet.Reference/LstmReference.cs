namespace LstmMlNet.Reference;

/// <summary>
/// The LSTM without peepholes, as libtorch's <c>torch.nn.LSTM</c> with one layer and one direction (G = 4, gate
/// order i, f, g, o in the weights' row blocks). With a = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh split into
/// a_i, a_f, a_g, a_o of H rows each:
/// <code>
/// i_t = σ(a_i)    f_t = σ(a_f)    g_t = tanh(a_g)    o_t = σ(a_o)
/// c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t
/// h_t = o_t ⊙ tanh(c_t)
/// </code>
/// Backward, with δh_t the total ∂L/∂h_t and δc_t the ∂L/∂c_t arriving from step t + 1 (or ∂L/∂c_T):
/// <code>
/// dc_t        = δc_t + δh_t ⊙ o_t ⊙ (1 − tanh²(c_t))
/// ∂L/∂a_o     = δh_t ⊙ tanh(c_t) ⊙ o_t (1 − o_t)
/// ∂L/∂a_i     = dc_t ⊙ g_t ⊙ i_t (1 − i_t)
/// ∂L/∂a_g     = dc_t ⊙ i_t ⊙ (1 − g_t²)
/// ∂L/∂a_f     = dc_t ⊙ c_{t−1} ⊙ f_t (1 − f_t)
/// ∂L/∂c_{t−1} = dc_t ⊙ f_t                   (∂c_t/∂c_{t−1} = diag(f_t): the constant error carousel)
/// ∂L/∂h_{t−1} = (∂L/∂a) W_hh
/// </code>
/// and the weight and input gradients of the affine maps (<see cref="RecurrentGradients"/>).
/// </summary>
public sealed class LstmReference : RecurrentReference
{
    /// <summary>Wraps weights with G = 4: W_ih <c>[4H, I]</c>, W_hh <c>[4H, H]</c>, b_ih and b_hh <c>[4H]</c>,
    /// row blocks in the order i, f, g, o.</summary>
    /// <param name="parameters">The weights (held, not copied).</param>
    public LstmReference(RecurrentParameters parameters)
        : base(parameters, GateCount, hasCellState: true)
    {
    }

    /// <summary>The number of gate blocks in the weights: 4 (i, f, g, o).</summary>
    public const int GateCount = 4;

    private protected override void StepForward(ForwardPass pass, int step)
    {
        double[] ax = Parameters.ProjectInput(pass.Input(step));
        double[] ah = Parameters.ProjectHidden(pass.PreviousHidden(step));
        Matrix cPrev = pass.PreviousCell(step);
        Matrix c = pass.Cell(step);
        Matrix h = pass.Hidden(step);
        Matrix gates = pass.GatesAt(step);
        int hidden = Parameters.HiddenSize, rows = Parameters.GateRows;
        for (int n = 0; n < pass.Batch; n++)
        {
            for (int j = 0; j < hidden; j++)
            {
                double Pre(int gate) => ax[n * rows + gate * hidden + j] + ah[n * rows + gate * hidden + j];
                double i = Sigmoid(Pre(0));
                double f = Sigmoid(Pre(1));
                double g = Math.Tanh(Pre(2));
                double o = Sigmoid(Pre(3));
                double cell = f * cPrev[n, j] + i * g;
                c[n, j] = cell;
                h[n, j] = o * Math.Tanh(cell);
                gates[n, j] = i;
                gates[n, hidden + j] = f;
                gates[n, 2 * hidden + j] = g;
                gates[n, 3 * hidden + j] = o;
            }
        }
    }

    private protected override void StepBackward(ForwardPass pass, int step, double[] hiddenGrad, double[]? cellGrad,
        RecurrentGradients gradients, double[] previousHiddenGrad, double[]? previousCellGrad)
    {
        Matrix cPrev = pass.PreviousCell(step);
        Matrix c = pass.Cell(step);
        Matrix gates = pass.GatesAt(step);
        int hidden = Parameters.HiddenSize, rows = Parameters.GateRows;
        var preGrad = new double[pass.Batch * rows];
        for (int n = 0; n < pass.Batch; n++)
        {
            for (int j = 0; j < hidden; j++)
            {
                int k = n * hidden + j;
                double i = gates[n, j], f = gates[n, hidden + j], g = gates[n, 2 * hidden + j], o = gates[n, 3 * hidden + j];
                double tanhC = Math.Tanh(c[n, j]);
                double dh = hiddenGrad[k];
                // Total ∂L/∂c_t: what came back along the cell-state path from step t + 1, plus the path through h_t = o ⊙ tanh(c_t).
                double dc = cellGrad![k] + dh * o * (1 - tanhC * tanhC);
                preGrad[n * rows + j] = dc * g * i * (1 - i);
                preGrad[n * rows + hidden + j] = dc * cPrev[n, j] * f * (1 - f);
                preGrad[n * rows + 2 * hidden + j] = dc * i * (1 - g * g);
                preGrad[n * rows + 3 * hidden + j] = dh * tanhC * o * (1 - o);
                // The cell-state path: c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t, so ∂c_t/∂c_{t−1} = f_t (elementwise). This is
                // the constant error carousel: along c the error is scaled only by the forget gate, no weight
                // matrix and no squashing derivative, which is why the LSTM keeps gradients over long spans.
                previousCellGrad![k] = dc * f;
            }
        }
        // One pre-activation sum: both affine maps receive the same gradient; ∂L/∂h_{t−1} = (∂L/∂a) W_hh is added here.
        gradients.AccumulateStep(pass, step, Parameters, preGrad, preGrad, previousHiddenGrad);
    }

    private static double Sigmoid(double a) => 1 / (1 + Math.Exp(-a));
}
