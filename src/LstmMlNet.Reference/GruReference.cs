namespace LstmMlNet.Reference;

/// <summary>
/// The GRU in the PyTorch/cuDNN form ("linear before reset", ONNX <c>linear_before_reset=1</c>), as libtorch's
/// <c>torch.nn.GRU</c> with one layer and one direction (G = 3, gate order r, z, n in the weights' row blocks).
/// With x-projections a^x = W_ih x_t + b_ih and h-projections a^h = W_hh h_{t−1} + b_hh, each split into r, z, n
/// blocks of H rows:
/// <code>
/// r_t = σ(a^x_r + a^h_r)
/// z_t = σ(a^x_z + a^h_z)
/// n_t = tanh(a^x_n + r_t ⊙ a^h_n)        = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t−1} + b_hn))
/// h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}
/// </code>
/// The reset gate multiplies the recurrent product; Cho et al. (2014) apply it before instead, W_hn (r_t ⊙ h_{t−1}).
/// Backward, with δh_t the total ∂L/∂h_t:
/// <code>
/// ∂L/∂a_n     = δh_t ⊙ (1 − z_t) ⊙ (1 − n_t²)     (pre-activation of n)
/// ∂L/∂a_z     = δh_t ⊙ (h_{t−1} − n_t) ⊙ z_t (1 − z_t)
/// ∂L/∂a_r     = ∂L/∂a_n ⊙ a^h_n ⊙ r_t (1 − r_t)
/// ∂L/∂a^x     = (∂L/∂a_r, ∂L/∂a_z, ∂L/∂a_n)
/// ∂L/∂a^h     = (∂L/∂a_r, ∂L/∂a_z, ∂L/∂a_n ⊙ r_t)
/// ∂L/∂h_{t−1} = δh_t ⊙ z_t + (∂L/∂a^h) W_hh
/// </code>
/// and the weight and input gradients of the affine maps (<see cref="RecurrentGradients"/>).
/// </summary>
public sealed class GruReference : RecurrentReference
{
    /// <summary>Wraps weights with G = 3: W_ih <c>[3H, I]</c>, W_hh <c>[3H, H]</c>, b_ih and b_hh <c>[3H]</c>,
    /// row blocks in the order r, z, n.</summary>
    /// <param name="parameters">The weights (held, not copied).</param>
    public GruReference(RecurrentParameters parameters)
        : base(parameters, GateCount, hasCellState: false)
    {
    }

    /// <summary>The number of gate blocks in the weights: 3 (r, z, n).</summary>
    public const int GateCount = 3;

    private protected override bool KeepsCandidateTerm => true;

    private protected override void StepForward(ForwardPass pass, int step)
    {
        double[] ax = Parameters.ProjectInput(pass.Input(step));
        double[] ah = Parameters.ProjectHidden(pass.PreviousHidden(step));
        Matrix hPrev = pass.PreviousHidden(step);
        Matrix h = pass.Hidden(step);
        Matrix gates = pass.GatesAt(step);
        Matrix candidateTerm = pass.CandidateTermAt(step);
        int hidden = Parameters.HiddenSize, rows = Parameters.GateRows;
        for (int n = 0; n < pass.Batch; n++)
        {
            for (int j = 0; j < hidden; j++)
            {
                int row = n * rows;
                double r = Sigmoid(ax[row + j] + ah[row + j]);
                double z = Sigmoid(ax[row + hidden + j] + ah[row + hidden + j]);
                double hn = ah[row + 2 * hidden + j];
                double candidate = Math.Tanh(ax[row + 2 * hidden + j] + r * hn);
                h[n, j] = (1 - z) * candidate + z * hPrev[n, j];
                gates[n, j] = r;
                gates[n, hidden + j] = z;
                gates[n, 2 * hidden + j] = candidate;
                candidateTerm[n, j] = hn;
            }
        }
    }

    private protected override void StepBackward(ForwardPass pass, int step, double[] hiddenGrad, double[]? cellGrad,
        RecurrentGradients gradients, double[] previousHiddenGrad, double[]? previousCellGrad)
    {
        Matrix hPrev = pass.PreviousHidden(step);
        Matrix gates = pass.GatesAt(step);
        Matrix candidateTerm = pass.CandidateTermAt(step);
        int hidden = Parameters.HiddenSize, rows = Parameters.GateRows;
        var inputPreGrad = new double[pass.Batch * rows];
        var recurrentPreGrad = new double[pass.Batch * rows];
        for (int n = 0; n < pass.Batch; n++)
        {
            for (int j = 0; j < hidden; j++)
            {
                int k = n * hidden + j, row = n * rows;
                double r = gates[n, j], z = gates[n, hidden + j], candidate = gates[n, 2 * hidden + j];
                double dh = hiddenGrad[k];
                double dN = dh * (1 - candidate * candidate) * (1 - z);
                double dZ = dh * (hPrev[n, j] - candidate) * z * (1 - z);
                double dR = dN * candidateTerm[n, j] * r * (1 - r);
                inputPreGrad[row + j] = dR;
                inputPreGrad[row + hidden + j] = dZ;
                inputPreGrad[row + 2 * hidden + j] = dN;
                recurrentPreGrad[row + j] = dR;
                recurrentPreGrad[row + hidden + j] = dZ;
                // The reset gate scales the recurrent term inside n, so W_hn, b_hn and h_{t−1} see ∂L/∂a_n ⊙ r.
                recurrentPreGrad[row + 2 * hidden + j] = dN * r;
                // The direct path h_t = … + z_t ⊙ h_{t−1}.
                previousHiddenGrad[k] = dh * z;
            }
        }
        // The path through the gates: ∂L/∂h_{t−1} += (∂L/∂a^h) W_hh.
        gradients.AccumulateStep(pass, step, Parameters, inputPreGrad, recurrentPreGrad, previousHiddenGrad);
    }

    private static double Sigmoid(double a) => 1 / (1 + Math.Exp(-a));
}
