namespace LstmMlNet.Reference;

/// <summary>
/// The weights of one recurrent layer in one direction, in libtorch's layout, so they copy 1:1 to and from
/// <c>weight_ih_l0</c>, <c>weight_hh_l0</c>, <c>bias_ih_l0</c> and <c>bias_hh_l0</c> of <c>torch.nn.LSTM</c>,
/// <c>torch.nn.GRU</c> and <c>torch.nn.RNN</c>. With G the cell's gate count (LSTM 4, GRU 3, RNN 1), I the input size
/// and H the hidden size, all arrays are row-major:
/// <list type="bullet">
/// <item><see cref="InputWeight"/> W_ih <c>[G·H, I]</c></item>
/// <item><see cref="RecurrentWeight"/> W_hh <c>[G·H, H]</c></item>
/// <item><see cref="InputBias"/> b_ih <c>[G·H]</c> and <see cref="RecurrentBias"/> b_hh <c>[G·H]</c></item>
/// </list>
/// Row block k (rows k·H … k·H + H − 1) belongs to gate k in the cell's gate order: LSTM (i, f, g, o), GRU (r, z, n).
/// The same type holds the gradients of a loss with respect to these weights (<see cref="RecurrentGradients.Parameters"/>).
/// The arrays are held, not copied: writing into them changes the weights a cell uses from its next pass on.
/// </summary>
public sealed class RecurrentParameters
{
    /// <summary>Wraps existing arrays; their lengths must match the sizes.</summary>
    /// <param name="gateCount">G: 4 for the LSTM, 3 for the GRU, 1 for the vanilla RNN.</param>
    /// <param name="inputSize">I, at least 1.</param>
    /// <param name="hiddenSize">H, at least 1.</param>
    /// <param name="inputWeight">W_ih, <c>[G·H, I]</c> row-major.</param>
    /// <param name="recurrentWeight">W_hh, <c>[G·H, H]</c> row-major.</param>
    /// <param name="inputBias">b_ih, <c>[G·H]</c>.</param>
    /// <param name="recurrentBias">b_hh, <c>[G·H]</c>.</param>
    public RecurrentParameters(int gateCount, int inputSize, int hiddenSize,
        double[] inputWeight, double[] recurrentWeight, double[] inputBias, double[] recurrentBias)
    {
        RequirePositive(gateCount, nameof(gateCount));
        RequirePositive(inputSize, nameof(inputSize));
        RequirePositive(hiddenSize, nameof(hiddenSize));
        int rows = gateCount * hiddenSize;
        RequireLength(inputWeight, rows * inputSize, nameof(inputWeight), $"[{rows}, {inputSize}]");
        RequireLength(recurrentWeight, rows * hiddenSize, nameof(recurrentWeight), $"[{rows}, {hiddenSize}]");
        RequireLength(inputBias, rows, nameof(inputBias), $"[{rows}]");
        RequireLength(recurrentBias, rows, nameof(recurrentBias), $"[{rows}]");
        GateCount = gateCount;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        InputWeight = inputWeight;
        RecurrentWeight = recurrentWeight;
        InputBias = inputBias;
        RecurrentBias = recurrentBias;
    }

    /// <summary>G, the number of gate blocks stacked in each weight's rows.</summary>
    public int GateCount { get; }

    /// <summary>I, the size of each input vector x_t.</summary>
    public int InputSize { get; }

    /// <summary>H, the size of the hidden state h_t (and of the LSTM's cell state c_t).</summary>
    public int HiddenSize { get; }

    /// <summary>G·H, the number of rows of each weight and the length of each bias.</summary>
    public int GateRows => GateCount * HiddenSize;

    /// <summary>W_ih <c>[G·H, I]</c>, row-major.</summary>
    public double[] InputWeight { get; }

    /// <summary>W_hh <c>[G·H, H]</c>, row-major.</summary>
    public double[] RecurrentWeight { get; }

    /// <summary>b_ih <c>[G·H]</c>.</summary>
    public double[] InputBias { get; }

    /// <summary>b_hh <c>[G·H]</c>.</summary>
    public double[] RecurrentBias { get; }

    /// <summary>All-zero weights of the given sizes (also the starting point of accumulated gradients).</summary>
    public static RecurrentParameters Zeros(int gateCount, int inputSize, int hiddenSize)
    {
        RequirePositive(gateCount, nameof(gateCount));
        RequirePositive(inputSize, nameof(inputSize));
        RequirePositive(hiddenSize, nameof(hiddenSize));
        int rows = gateCount * hiddenSize;
        return new RecurrentParameters(gateCount, inputSize, hiddenSize,
            new double[rows * inputSize], new double[rows * hiddenSize], new double[rows], new double[rows]);
    }

    internal Matrix InputWeightMatrix => new(InputWeight, 0, GateRows, InputSize);

    internal Matrix RecurrentWeightMatrix => new(RecurrentWeight, 0, GateRows, HiddenSize);

    /// <summary>W_ih x_t + b_ih for a batch x <c>[N, I]</c>: a new <c>[N, G·H]</c> array.</summary>
    internal double[] ProjectInput(Matrix input) => Affine(input, InputWeightMatrix, InputBias);

    /// <summary>W_hh h_{t−1} + b_hh for a batch h <c>[N, H]</c>: a new <c>[N, G·H]</c> array.</summary>
    internal double[] ProjectHidden(Matrix hidden) => Affine(hidden, RecurrentWeightMatrix, RecurrentBias);

    private double[] Affine(Matrix rows, Matrix weight, double[] bias)
    {
        var result = new double[rows.Rows * GateRows];
        var target = new Matrix(result, 0, rows.Rows, GateRows);
        Matrix.AddProductTransposed(rows, weight, target);
        target.AddToEveryRow(bias);
        return result;
    }

    private static void RequirePositive(int value, string name)
    {
        if (value < 1) throw new ArgumentOutOfRangeException(name, value, $"{name}: expected a positive integer, got {value}.");
    }

    private static void RequireLength(double[] array, int expected, string name, string shape)
    {
        ArgumentNullException.ThrowIfNull(array, name);
        if (array.Length != expected)
        {
            throw new ArgumentException($"{name}: expected {expected} values (shape {shape}), got {array.Length}.", name);
        }
    }
}
