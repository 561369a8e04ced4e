using LstmMlNet.Engine;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace LstmMlNet.Tests.Engine;

/// <summary>Central finite differences in float64 against autograd through the explicit (equation) path.</summary>
public sealed class GradientCheckTests
{
    private readonly ITestOutputHelper output;

    public GradientCheckTests(ITestOutputHelper output) => this.output = output;

    [Theory]
    [InlineData(RecurrentCellKind.Lstm, false)]
    [InlineData(RecurrentCellKind.Lstm, true)]
    [InlineData(RecurrentCellKind.Gru, false)]
    [InlineData(RecurrentCellKind.Gru, true)]
    [InlineData(RecurrentCellKind.RnnTanh, false)]
    [InlineData(RecurrentCellKind.RnnTanh, true)]
    [InlineData(RecurrentCellKind.RnnRelu, false)]
    [InlineData(RecurrentCellKind.PeepholeLstm, false)]
    [InlineData(RecurrentCellKind.PeepholeLstm, true)]
    [InlineData(RecurrentCellKind.Lstm1997, false)]
    [InlineData(RecurrentCellKind.Lstm1997, true)]
    [InlineData(RecurrentCellKind.CifgLstm, false)]
    [InlineData(RecurrentCellKind.CifgLstm, true)]
    [InlineData(RecurrentCellKind.ChoGru, false)]
    [InlineData(RecurrentCellKind.ChoGru, true)]
    public void Explicit_cell_gradients_match_finite_differences(RecurrentCellKind cell, bool bidirectional)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(21);
        var encoder = new RecurrentEncoder(new EncoderSpec(cell, 3, 2, Layers: 2, Bidirectional: bidirectional));
        encoder.to(float64);
        using (no_grad())
        {
            // Non-zero biases keep ReLU pre-activations off their kink at exactly 0.
            foreach (var p in encoder.parameters()) p.add_(randn_like(p) * 0.1);
        }
        Tensor x = randn(new long[] { 2, 4, 3 }, dtype: float64);
        Tensor lengths = tensor(new long[] { 4, 2 });
        Tensor weights = randn(new long[] { 2, 4, encoder.Spec.OutputSize }, dtype: float64);

        double Loss()
        {
            using var inner = NewDisposeScope();
            EncoderOutput o = encoder.Forward(x, lengths, null, RecurrentPath.Explicit);
            Tensor loss = (o.Output * weights).sum() + o.HiddenState.square().sum();
            if (o.CellState is not null) loss += o.CellState.sin().sum();
            return loss.item<double>();
        }

        encoder.zero_grad();
        {
            EncoderOutput o = encoder.Forward(x, lengths, null, RecurrentPath.Explicit);
            Tensor loss = (o.Output * weights).sum() + o.HiddenState.square().sum();
            if (o.CellState is not null) loss += o.CellState.sin().sum();
            loss.backward();
        }

        const double eps = 1e-6;
        int checkedEntries = 0;
        double worst = 0;
        foreach (var (name, p) in encoder.named_parameters())
        {
            double[] analytic = p.grad!.data<double>().ToArray();
            Tensor flat = p.detach().view(-1);
            for (long k = 0; k < flat.numel(); k++)
            {
                double original;
                using (no_grad())
                {
                    original = flat[k].item<double>();
                    flat[k] = original + eps;
                }
                double plus = Loss();
                using (no_grad()) flat[k] = original - eps;
                double minus = Loss();
                using (no_grad()) flat[k] = original;
                double numeric = (plus - minus) / (2 * eps);
                double error = Math.Abs(numeric - analytic[k]);
                Assert.True(error <= 1e-6 * Math.Max(1.0, Math.Abs(numeric)),
                    $"{name}[{k}]: autograd {analytic[k]:R}, finite difference {numeric:R}");
                checkedEntries++;
                worst = Math.Max(worst, error / Math.Max(1.0, Math.Abs(numeric)));
            }
        }
        output.WriteLine($"{cell} {(bidirectional ? "bi" : "uni")}: {checkedEntries} entries, max |autograd − FD| / max(1, |FD|) = {worst:E2}");
        Assert.Equal(encoder.ParameterCount(), checkedEntries);
    }
}
