using LstmMlNet.Engine;
using LstmMlNet.Reference;
using LstmMlNet.Tests.Infrastructure;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace LstmMlNet.Tests.Reference;

/// <summary>
/// The reference's forward pass and hand-written BPTT against libtorch's nn.LSTM / nn.GRU / nn.RNN and autograd,
/// both in float64, on seeded random problems: outputs, final states and the gradients of every parameter, every
/// input, h_0 and c_0 must agree to 1e-9 (absolute below magnitude 1, relative above).
/// </summary>
public sealed class LibTorchAgreementTests
{
    private const double Tolerance = 1e-9;

    private readonly ITestOutputHelper output;

    public LibTorchAgreementTests(ITestOutputHelper output) => this.output = output;

    /// <summary>Cell × (I, H, T, N, seed): T = 1 twice, batches of 1 to 3, I = 1 and H = 1 among them.</summary>
    public static TheoryData<RecurrentCellKind, int, int, int, int, int> Cases()
    {
        var data = new TheoryData<RecurrentCellKind, int, int, int, int, int>();
        var shapes = new (int I, int H, int T, int N)[] { (3, 4, 5, 1), (1, 1, 1, 1), (5, 3, 1, 2), (2, 6, 7, 3), (4, 5, 12, 2) };
        int seed = 200;
        foreach (var cell in new[] { RecurrentCellKind.RnnTanh, RecurrentCellKind.RnnRelu, RecurrentCellKind.Lstm, RecurrentCellKind.Gru })
        {
            foreach (var (i, h, t, n) in shapes) data.Add(cell, i, h, t, n, seed++);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Outputs_states_and_every_gradient_equal_libtorch_in_float64(RecurrentCellKind cell, int inputSize, int hiddenSize, int steps, int batch, int seed)
    {
        using var scope = NewDisposeScope();
        var problem = new ReferenceProblem(cell, inputSize, hiddenSize, steps, batch, seed);
        RecurrentReference reference = problem.CreateReference();
        ForwardPass pass = problem.Forward(reference);
        RecurrentGradients grads = problem.Backward(reference, pass);
        LibTorchRecurrence torch = LibTorchRecurrence.Run(problem);

        var p = problem.Parameters;
        var compared = new List<(string What, Tensor Expected, double[] Actual)>
        {
            ("outputs h_1..h_T", torch.Outputs, pass.Outputs),
            ("final hidden h_T", torch.FinalHidden, pass.FinalHidden),
            ("dL/dW_ih", torch.InputWeightGrad, grads.Parameters.InputWeight),
            ("dL/dW_hh", torch.RecurrentWeightGrad, grads.Parameters.RecurrentWeight),
            ("dL/db_ih", torch.InputBiasGrad, grads.Parameters.InputBias),
            ("dL/db_hh", torch.RecurrentBiasGrad, grads.Parameters.RecurrentBias),
            ("dL/dx", torch.InputsGrad, grads.Inputs),
            ("dL/dh_0", torch.InitialHiddenGrad, grads.InitialHidden),
        };
        if (cell == RecurrentCellKind.Lstm)
        {
            compared.Add(("final cell c_T", torch.FinalCell!, pass.FinalCell!));
            compared.Add(("dL/dc_0", torch.InitialCellGrad!, grads.InitialCell!));
        }
        else
        {
            Assert.Null(pass.FinalCell);
            Assert.Null(grads.InitialCell);
        }

        double worstScaled = 0, worstAbsolute = 0;
        foreach (var (what, expected, actual) in compared)
        {
            Tensor mine = tensor(actual, expected.shape, float64);
            double scaled = TensorAssert.CloseScaled(expected, mine, Tolerance, $"{cell} {what}");
            double absolute = TensorAssert.MaxAbs(expected - mine);
            worstScaled = Math.Max(worstScaled, scaled);
            worstAbsolute = Math.Max(worstAbsolute, absolute);
            output.WriteLine($"{what,-18} max |diff| {absolute:E2}  scaled {scaled:E2}  max |value| {TensorAssert.MaxAbs(expected):F3}");
            // Agreeing on all-zero values would prove little (a ReLU unit dead at every step, say).
            Assert.True(TensorAssert.MaxAbs(expected) > 1e-3, $"{cell} {what}: every entry is (nearly) zero; choose another seed");
        }
        output.WriteLine($"{cell} I={inputSize} H={hiddenSize} T={steps} N={batch} seed={seed}: worst |diff| {worstAbsolute:E2}, worst scaled {worstScaled:E2} over {compared.Count} quantities ({p.GateRows * (p.InputSize + p.HiddenSize + 2)} parameters)");
    }

    [Theory]
    [InlineData(RecurrentCellKind.RnnTanh)]
    [InlineData(RecurrentCellKind.RnnRelu)]
    [InlineData(RecurrentCellKind.Lstm)]
    [InlineData(RecurrentCellKind.Gru)]
    public void A_weight_changed_by_1e_6_is_noticed(RecurrentCellKind cell)
    {
        // The comparison has teeth: the same problem with one entry of W_hh off by 1e-6 in libtorch fails it,
        // in the outputs and in the gradients.
        using var scope = NewDisposeScope();
        var problem = new ReferenceProblem(cell, 3, 4, 6, 2, seed: 7);
        RecurrentReference reference = problem.CreateReference();
        ForwardPass pass = problem.Forward(reference);
        RecurrentGradients grads = problem.Backward(reference, pass);
        LibTorchRecurrence nudged = LibTorchRecurrence.Run(problem, weightNudge: 1e-6);

        Tensor Mine(double[] values, Tensor like) => tensor(values, like.shape, float64);
        double outputs = TensorAssert.MaxAbs(nudged.Outputs - Mine(pass.Outputs, nudged.Outputs));
        double gradients = new[]
        {
            TensorAssert.MaxAbs(nudged.InputWeightGrad - Mine(grads.Parameters.InputWeight, nudged.InputWeightGrad)),
            TensorAssert.MaxAbs(nudged.RecurrentWeightGrad - Mine(grads.Parameters.RecurrentWeight, nudged.RecurrentWeightGrad)),
            TensorAssert.MaxAbs(nudged.InputsGrad - Mine(grads.Inputs, nudged.InputsGrad)),
            TensorAssert.MaxAbs(nudged.InitialHiddenGrad - Mine(grads.InitialHidden, nudged.InitialHiddenGrad)),
        }.Max();
        output.WriteLine($"{cell}: W_hh[0,0] nudged by 1e-6 in libtorch → outputs differ by {outputs:E2}, gradients by up to {gradients:E2}");
        Assert.Throws<Xunit.Sdk.TrueException>(() => TensorAssert.CloseScaled(nudged.Outputs, Mine(pass.Outputs, nudged.Outputs), Tolerance, "outputs"));
        Assert.True(gradients > Tolerance, $"a 1e-6 weight change moved the gradients only {gradients:E2}");
    }
}
