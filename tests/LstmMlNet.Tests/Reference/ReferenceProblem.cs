using LstmMlNet.Engine;
using LstmMlNet.Reference;

namespace LstmMlNet.Tests.Reference;

/// <summary>
/// A seeded random problem for one reference cell: weights in libtorch's layout, inputs <c>[T, N, I]</c>, non-zero
/// initial states, and the fixed upstream gradients of the loss
/// L = Σ G ⊙ outputs + Σ g_h ⊙ h_T (+ Σ g_c ⊙ c_T for the LSTM), so ∂L/∂outputs = G, ∂L/∂h_T = g_h, ∂L/∂c_T = g_c.
/// </summary>
internal sealed class ReferenceProblem
{
    public ReferenceProblem(RecurrentCellKind cell, int inputSize, int hiddenSize, int steps, int batch, int seed)
    {
        Cell = cell;
        Steps = steps;
        Batch = batch;
        var random = new Random(seed);
        double[] Uniform(int count, double scale) =>
            Enumerable.Range(0, count).Select(_ => scale * (2 * random.NextDouble() - 1)).ToArray();

        int gates = cell switch { RecurrentCellKind.Lstm => LstmReference.GateCount, RecurrentCellKind.Gru => GruReference.GateCount, _ => RnnReference.GateCount };
        int rows = gates * hiddenSize;
        // Weights larger than libtorch's default 1/√H so the nonlinearities leave their linear range.
        Parameters = new RecurrentParameters(gates, inputSize, hiddenSize,
            Uniform(rows * inputSize, 0.8), Uniform(rows * hiddenSize, 0.8), Uniform(rows, 0.5), Uniform(rows, 0.5));
        Inputs = Uniform(steps * batch * inputSize, 1.0);
        InitialHidden = Uniform(batch * hiddenSize, 0.9);
        InitialCell = cell == RecurrentCellKind.Lstm ? Uniform(batch * hiddenSize, 1.5) : null;
        OutputGradients = Uniform(steps * batch * hiddenSize, 1.0);
        FinalHiddenGradient = Uniform(batch * hiddenSize, 1.0);
        FinalCellGradient = cell == RecurrentCellKind.Lstm ? Uniform(batch * hiddenSize, 1.0) : null;
    }

    public RecurrentCellKind Cell { get; }

    public int Steps { get; }

    public int Batch { get; }

    public RecurrentParameters Parameters { get; }

    public double[] Inputs { get; }

    public double[] InitialHidden { get; }

    public double[]? InitialCell { get; }

    /// <summary>G, <c>[T, N, H]</c>.</summary>
    public double[] OutputGradients { get; }

    /// <summary>g_h, <c>[N, H]</c>.</summary>
    public double[] FinalHiddenGradient { get; }

    /// <summary>g_c, <c>[N, H]</c>, LSTM only.</summary>
    public double[]? FinalCellGradient { get; }

    public RecurrentReference CreateReference() => Cell switch
    {
        RecurrentCellKind.Lstm => new LstmReference(Parameters),
        RecurrentCellKind.Gru => new GruReference(Parameters),
        RecurrentCellKind.RnnTanh => new RnnReference(Parameters, RnnActivation.Tanh),
        RecurrentCellKind.RnnRelu => new RnnReference(Parameters, RnnActivation.Relu),
        _ => throw new ArgumentOutOfRangeException(nameof(Cell), Cell, "no reference cell for this kind"),
    };

    public ForwardPass Forward(RecurrentReference reference) => reference.Forward(Inputs, Steps, Batch, InitialHidden, InitialCell);

    public RecurrentGradients Backward(RecurrentReference reference, ForwardPass pass) =>
        reference.Backward(pass, OutputGradients, FinalHiddenGradient, FinalCellGradient);

    /// <summary>L for a pass of this problem.</summary>
    public double Loss(ForwardPass pass)
    {
        double loss = Dot(OutputGradients, pass.Outputs) + Dot(FinalHiddenGradient, pass.FinalHidden);
        if (FinalCellGradient is not null) loss += Dot(FinalCellGradient, pass.FinalCell!);
        return loss;
    }

    private static double Dot(double[] a, double[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double sum = 0;
        for (int k = 0; k < a.Length; k++) sum += a[k] * b[k];
        return sum;
    }
}
