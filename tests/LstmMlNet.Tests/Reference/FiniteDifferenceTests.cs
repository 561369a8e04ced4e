using LstmMlNet.Engine;
using LstmMlNet.Reference;
using Xunit.Abstractions;

namespace LstmMlNet.Tests.Reference;

/// <summary>
/// The reference's hand-written gradients against central finite differences of its own forward pass, in float64:
/// every weight, bias, input, h_0 and c_0 entry is moved by ±1e-6 and (L(+) − L(−)) / 2e-6 must match the analytic
/// gradient to 1e-6 · max(1, |numeric|). Needs no libtorch.
/// </summary>
public sealed class FiniteDifferenceTests
{
    private const double Step = 1e-6;
    private const double Tolerance = 1e-6;

    private readonly ITestOutputHelper output;

    public FiniteDifferenceTests(ITestOutputHelper output) => this.output = output;

    [Theory]
    [InlineData(RecurrentCellKind.RnnTanh, 41)]
    [InlineData(RecurrentCellKind.RnnRelu, 42)]
    [InlineData(RecurrentCellKind.Lstm, 43)]
    [InlineData(RecurrentCellKind.Gru, 44)]
    public void Hand_written_gradients_match_central_differences(RecurrentCellKind cell, int seed)
    {
        var problem = new ReferenceProblem(cell, inputSize: 3, hiddenSize: 4, steps: 5, batch: 2, seed);
        RecurrentReference reference = problem.CreateReference();
        RecurrentGradients grads = problem.Backward(reference, problem.Forward(reference));

        var checkedArrays = new List<(string Name, double[] Values, double[] Analytic)>
        {
            ("W_ih", problem.Parameters.InputWeight, grads.Parameters.InputWeight),
            ("W_hh", problem.Parameters.RecurrentWeight, grads.Parameters.RecurrentWeight),
            ("b_ih", problem.Parameters.InputBias, grads.Parameters.InputBias),
            ("b_hh", problem.Parameters.RecurrentBias, grads.Parameters.RecurrentBias),
            ("x", problem.Inputs, grads.Inputs),
            ("h_0", problem.InitialHidden, grads.InitialHidden),
        };
        if (problem.InitialCell is not null) checkedArrays.Add(("c_0", problem.InitialCell, grads.InitialCell!));

        int entries = 0;
        double worst = 0;
        foreach (var (name, values, analytic) in checkedArrays)
        {
            Assert.Equal(values.Length, analytic.Length);
            for (int k = 0; k < values.Length; k++)
            {
                // The problem's arrays are the ones the cell reads (held, not copied), so moving an entry moves the model.
                double original = values[k];
                values[k] = original + Step;
                double plus = problem.Loss(problem.Forward(reference));
                values[k] = original - Step;
                double minus = problem.Loss(problem.Forward(reference));
                values[k] = original;
                double numeric = (plus - minus) / (2 * Step);
                double error = Math.Abs(numeric - analytic[k]) / Math.Max(1.0, Math.Abs(numeric));
                Assert.True(error <= Tolerance, $"{cell} {name}[{k}]: hand-written {analytic[k]:R}, finite difference {numeric:R}");
                worst = Math.Max(worst, error);
                entries++;
            }
        }
        Assert.Contains(grads.Parameters.RecurrentWeight, g => Math.Abs(g) > 1e-3);
        output.WriteLine($"{cell}: {entries} entries checked, worst scaled |hand-written − finite difference| {worst:E2}");
    }
}
