namespace LstmMlNet.Reference;

/// <summary>
/// A single-layer, single-direction recurrent network run over T steps in float64, with a hand-written backward
/// pass (backpropagation through time). The time loop lives here, once; the cells
/// (<see cref="RnnReference"/>, <see cref="LstmReference"/>, <see cref="GruReference"/>) supply one step forward
/// and one step backward. Weights are in libtorch's layout (<see cref="RecurrentParameters"/>) and sequences are
/// time-major: inputs <c>[T, N, I]</c>, states <c>[N, H]</c>, outputs <c>[T, N, H]</c>, all row-major.
/// <para>The loss L is whatever the caller differentiates: <see cref="Backward"/> takes ∂L/∂h_t for every output
/// step and ∂L/∂h_T, ∂L/∂c_T for the final states (added to the output gradient of the last step), and returns
/// ∂L with respect to every weight, every input x_t and the initial states h_0, c_0.</para>
/// </summary>
public abstract class RecurrentReference
{
    private protected RecurrentReference(RecurrentParameters parameters, int gateCount, bool hasCellState)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.GateCount != gateCount)
        {
            throw new ArgumentException(
                $"{nameof(parameters)}: this cell needs {gateCount} gate block(s) in its weights, got {parameters.GateCount}.",
                nameof(parameters));
        }
        Parameters = parameters;
        HasCellState = hasCellState;
    }

    /// <summary>The weights the passes read (held, not copied).</summary>
    public RecurrentParameters Parameters { get; }

    /// <summary>True for the LSTM, whose state is (h, c); false for the GRU and the RNN.</summary>
    public bool HasCellState { get; }

    /// <summary>Runs the recurrence over every step and keeps what the backward pass needs.</summary>
    /// <param name="inputs">x_1 … x_T, <c>[T, N, I]</c> row-major (time-major, as libtorch's <c>batch_first=false</c>).</param>
    /// <param name="steps">T, at least 1.</param>
    /// <param name="batch">N, at least 1.</param>
    /// <param name="initialHidden">h_0, <c>[N, H]</c>; null for zeros.</param>
    /// <param name="initialCell">c_0, <c>[N, H]</c>, LSTM only (must be null for other cells); null for zeros.</param>
    /// <returns>Outputs h_1 … h_T, the final states and the tape for <see cref="Backward"/>.</returns>
    public ForwardPass Forward(double[] inputs, int steps, int batch, double[]? initialHidden = null, double[]? initialCell = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, $"{nameof(steps)}: expected a positive integer, got {steps}.");
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, $"{nameof(batch)}: expected a positive integer, got {batch}.");
        int hidden = Parameters.HiddenSize;
        RequireLength(inputs, steps * batch * Parameters.InputSize, nameof(inputs), $"[{steps}, {batch}, {Parameters.InputSize}]");
        if (initialHidden is not null) RequireLength(initialHidden, batch * hidden, nameof(initialHidden), $"[{batch}, {hidden}]");
        if (initialCell is not null)
        {
            if (!HasCellState) throw new ArgumentException($"{nameof(initialCell)}: this cell has no cell state; pass null.", nameof(initialCell));
            RequireLength(initialCell, batch * hidden, nameof(initialCell), $"[{batch}, {hidden}]");
        }

        var pass = new ForwardPass(this, steps, batch, inputs,
            initialHidden ?? new double[batch * hidden],
            HasCellState ? initialCell ?? new double[batch * hidden] : null,
            KeepsCandidateTerm);
        for (int t = 0; t < steps; t++) StepForward(pass, t);
        return pass;
    }

    /// <summary>Backpropagation through time over a pass made by this cell's <see cref="Forward"/>.</summary>
    /// <param name="forward">The pass to differentiate; its inputs, initial states and the weights must be unchanged.</param>
    /// <param name="outputGradients">∂L/∂h_t for t = 1 … T, <c>[T, N, H]</c>; null for zeros.</param>
    /// <param name="finalHiddenGradient">∂L/∂h_T through the returned final state, <c>[N, H]</c>; null for zeros.</param>
    /// <param name="finalCellGradient">∂L/∂c_T, <c>[N, H]</c>, LSTM only; null for zeros.</param>
    /// <returns>∂L with respect to W_ih, W_hh, b_ih, b_hh, every x_t, h_0 and (LSTM) c_0.</returns>
    public RecurrentGradients Backward(ForwardPass forward, double[]? outputGradients,
        double[]? finalHiddenGradient = null, double[]? finalCellGradient = null)
    {
        ArgumentNullException.ThrowIfNull(forward);
        if (!ReferenceEquals(forward.Producer, this))
        {
            throw new ArgumentException($"{nameof(forward)}: the pass was made by another cell; differentiate it with that one.", nameof(forward));
        }
        int steps = forward.Steps, batch = forward.Batch, hidden = Parameters.HiddenSize;
        if (outputGradients is not null) RequireLength(outputGradients, steps * batch * hidden, nameof(outputGradients), $"[{steps}, {batch}, {hidden}]");
        if (finalHiddenGradient is not null) RequireLength(finalHiddenGradient, batch * hidden, nameof(finalHiddenGradient), $"[{batch}, {hidden}]");
        if (finalCellGradient is not null)
        {
            if (!HasCellState) throw new ArgumentException($"{nameof(finalCellGradient)}: this cell has no cell state; pass null.", nameof(finalCellGradient));
            RequireLength(finalCellGradient, batch * hidden, nameof(finalCellGradient), $"[{batch}, {hidden}]");
        }

        var gradients = new RecurrentGradients(forward, Parameters);
        // The gradients flowing into step t from the future: ∂L/∂h_t and ∂L/∂c_t through step t + 1 (or the final states).
        double[] hiddenGrad = (double[]?)finalHiddenGradient?.Clone() ?? new double[batch * hidden];
        double[]? cellGrad = HasCellState ? (double[]?)finalCellGradient?.Clone() ?? new double[batch * hidden] : null;
        for (int t = steps - 1; t >= 0; t--)
        {
            if (outputGradients is not null)
            {
                int offset = t * batch * hidden;
                for (int k = 0; k < hiddenGrad.Length; k++) hiddenGrad[k] += outputGradients[offset + k];
            }
            var previousHiddenGrad = new double[batch * hidden];
            double[]? previousCellGrad = HasCellState ? new double[batch * hidden] : null;
            StepBackward(forward, t, hiddenGrad, cellGrad, gradients, previousHiddenGrad, previousCellGrad);
            hiddenGrad = previousHiddenGrad;
            cellGrad = previousCellGrad;
        }
        gradients.InitialHidden = hiddenGrad;
        gradients.InitialCell = cellGrad;
        return gradients;
    }

    /// <summary>True for cells whose backward needs W_hn h_{t−1} + b_hn kept per step (the GRU).</summary>
    private protected virtual bool KeepsCandidateTerm => false;

    /// <summary>Computes step t (0-based): reads x_t and the previous state from the pass, writes h_t (and c_t)
    /// and the tape entries for step t.</summary>
    private protected abstract void StepForward(ForwardPass pass, int step);

    /// <summary>Backpropagates step t (0-based). <paramref name="hiddenGrad"/> is the total ∂L/∂h_t (output
    /// gradient plus what flowed back from step t + 1), <paramref name="cellGrad"/> ∂L/∂c_t from step t + 1 (LSTM).
    /// Adds the weight and input gradients into <paramref name="gradients"/> and writes ∂L/∂h_{t−1}
    /// (and ∂L/∂c_{t−1}) into the zeroed <paramref name="previousHiddenGrad"/> (<paramref name="previousCellGrad"/>).</summary>
    private protected abstract void StepBackward(ForwardPass pass, int step, double[] hiddenGrad, double[]? cellGrad,
        RecurrentGradients gradients, double[] previousHiddenGrad, double[]? previousCellGrad);

    private static void RequireLength(double[] array, int expected, string name, string shape)
    {
        if (array.Length != expected)
        {
            throw new ArgumentException($"{name}: expected {expected} values (shape {shape}), got {array.Length}.", name);
        }
    }
}
