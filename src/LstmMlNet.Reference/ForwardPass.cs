namespace LstmMlNet.Reference;

/// <summary>
/// The result of <see cref="RecurrentReference.Forward"/>: the outputs and final states, plus what the cell kept from
/// each step (the tape) for <see cref="RecurrentReference.Backward"/>. With T steps, a batch of N sequences and hidden
/// size H, all arrays are row-major and time-major like libtorch's <c>batch_first=false</c>:
/// <list type="bullet">
/// <item><see cref="Outputs"/> h_1 … h_T, <c>[T, N, H]</c> (entry <c>(t·N + n)·H + j</c> is unit j of sequence n after step t + 1)</item>
/// <item><see cref="FinalHidden"/> h_T, <c>[N, H]</c>; <see cref="FinalCell"/> c_T, <c>[N, H]</c> for the LSTM, else null</item>
/// </list>
/// The pass keeps references to the inputs and initial states it was given; change none of them, nor the
/// weights, before calling <see cref="RecurrentReference.Backward"/>.
/// </summary>
public sealed class ForwardPass
{
    internal ForwardPass(RecurrentReference producer, int steps, int batch, double[] inputs, double[] initialHidden,
        double[]? initialCell, bool keepsCandidateTerm)
    {
        Producer = producer;
        Steps = steps;
        Batch = batch;
        RecurrentParameters p = producer.Parameters;
        HiddenSize = p.HiddenSize;
        InputSize = p.InputSize;
        Inputs = inputs;
        InitialHidden = initialHidden;
        InitialCell = initialCell;
        Outputs = new double[steps * batch * HiddenSize];
        Gates = new double[steps * batch * p.GateRows];
        CellStates = initialCell is null ? null : new double[steps * batch * HiddenSize];
        CandidateTerms = keepsCandidateTerm ? new double[steps * batch * HiddenSize] : null;
    }

    /// <summary>T, the number of time steps (at least 1).</summary>
    public int Steps { get; }

    /// <summary>N, the number of sequences run side by side (at least 1).</summary>
    public int Batch { get; }

    /// <summary>H, the hidden size.</summary>
    public int HiddenSize { get; }

    /// <summary>I, the input size.</summary>
    public int InputSize { get; }

    /// <summary>h_1 … h_T, <c>[T, N, H]</c>.</summary>
    public double[] Outputs { get; }

    /// <summary>h_T, <c>[N, H]</c> (a copy of the last step of <see cref="Outputs"/>).</summary>
    public double[] FinalHidden => Outputs.AsSpan((Steps - 1) * Batch * HiddenSize).ToArray();

    /// <summary>c_T, <c>[N, H]</c>, for cells with a cell state (the LSTM); null otherwise.</summary>
    public double[]? FinalCell => CellStates?.AsSpan((Steps - 1) * Batch * HiddenSize).ToArray();

    internal RecurrentReference Producer { get; }

    /// <summary>x_1 … x_T, <c>[T, N, I]</c>, as given.</summary>
    internal double[] Inputs { get; }

    /// <summary>h_0, <c>[N, H]</c>.</summary>
    internal double[] InitialHidden { get; }

    /// <summary>c_0, <c>[N, H]</c>, for the LSTM.</summary>
    internal double[]? InitialCell { get; }

    /// <summary>The cell's gate activations after their nonlinearity, <c>[T, N, G·H]</c>, in the cell's gate order.</summary>
    internal double[] Gates { get; }

    /// <summary>c_1 … c_T, <c>[T, N, H]</c>, for the LSTM.</summary>
    internal double[]? CellStates { get; }

    /// <summary>The GRU's recurrent term of the candidate, W_hn h_{t−1} + b_hn, <c>[T, N, H]</c>: the reset gate
    /// multiplies it, so its gradient needs it. Null for the other cells.</summary>
    internal double[]? CandidateTerms { get; }

    internal Matrix Input(int step) => Matrix.Block(Inputs, step, Batch, InputSize);

    internal Matrix Hidden(int step) => Matrix.Block(Outputs, step, Batch, HiddenSize);

    /// <summary>h_{t−1} for step index t (0-based): h_0 at t = 0.</summary>
    internal Matrix PreviousHidden(int step) =>
        step == 0 ? new Matrix(InitialHidden, 0, Batch, HiddenSize) : Hidden(step - 1);

    internal Matrix Cell(int step) => Matrix.Block(CellStates!, step, Batch, HiddenSize);

    /// <summary>c_{t−1} for step index t (0-based): c_0 at t = 0.</summary>
    internal Matrix PreviousCell(int step) =>
        step == 0 ? new Matrix(InitialCell!, 0, Batch, HiddenSize) : Cell(step - 1);

    internal Matrix GatesAt(int step) => Matrix.Block(Gates, step, Batch, Producer.Parameters.GateRows);

    internal Matrix CandidateTermAt(int step) => Matrix.Block(CandidateTerms!, step, Batch, HiddenSize);
}
