using LstmMlNet.Engine;
using static TorchSharp.torch;

namespace LstmMlNet.Tests.Diagnostics;

public sealed class GateActivityTests
{
    [Fact]
    public void Summary_of_a_hand_made_recording_matches_a_hand_count()
    {
        using var scope = NewDisposeScope();
        var recorder = new GateRecorder();
        // One layer, two steps, B = 1, H = 2 (LSTM). Values chosen on both sides of the thresholds.
        recorder.Record(G("i", 0.05, 0.5), G("f", 0.95, 0.99), G("g", -0.95, 0.2), G("o", 0.5, 0.5), G("c", -2.0, 1.0), G("h", 0.1, -0.3));
        recorder.Record(G("i", 0.91, 0.09), G("f", 0.5, 0.05), G("g", 0.95, 0.0), G("o", 0.1, 0.9), G("c", 0.5, -0.5), G("h", 0.5, 0.3));

        LayerStatistics layer = Assert.Single(GateActivity.Summarize(recorder, RecurrentCellKind.Lstm));

        Assert.Equal(new[] { "i", "f", "g", "o" }, layer.Gates.Select(g => g.Gate));
        GateStatistics i = layer.Gates[0], f = layer.Gates[1], g = layer.Gates[2], o = layer.Gates[3];
        // i: 0.05, 0.09 low; 0.91 high → 2/4, 1/4.
        Assert.Equal((0.5, 0.25), (i.LowFraction, i.HighFraction));
        // f: 0.05 low; 0.95, 0.99 high.
        Assert.Equal((0.25, 0.5), (f.LowFraction, f.HighFraction));
        Assert.Equal(0.75, f.SaturatedFraction, 12);
        // g is tanh: −0.95 low, 0.95 high.
        Assert.Equal(("tanh", 0.25, 0.25), (g.Activation, g.LowFraction, g.HighFraction));
        // o: 0.1 and 0.9 are on the thresholds, not beyond them.
        Assert.Equal((0.0, 0.0), (o.LowFraction, o.HighFraction));
        Assert.Equal((0.95 + 0.99 + 0.5 + 0.05) / 4, layer.MeanForgetGate!.Value, 6);
        Assert.Equal((2.0 + 1.0 + 0.5 + 0.5) / 4, layer.MeanCellMagnitude!.Value, 6);
        double[] h = { 0.1, -0.3, 0.5, 0.3 };
        double mean = h.Average();
        Assert.Equal(Math.Sqrt(h.Average(x => (x - mean) * (x - mean))), layer.HiddenStd, 6);
        Assert.Null(layer.MeanUpdateGate);
    }

    [Theory]
    [InlineData(RecurrentCellKind.Lstm, 4)]
    [InlineData(RecurrentCellKind.Gru, 3)]
    [InlineData(RecurrentCellKind.RnnTanh, 1)]
    [InlineData(RecurrentCellKind.RnnRelu, 1)]
    public void Every_layer_is_summarised_with_fractions_in_the_unit_interval(RecurrentCellKind cell, int gates)
    {
        IReadOnlyList<LayerStatistics> layers = GateActivity.ForFreshEncoder(cell, steps: 20, hiddenSize: 8, inputSize: 3, layers: 2, batchSize: 4, seed: 1);

        Assert.Equal(new[] { 0, 1 }, layers.Select(l => l.Layer));
        foreach (LayerStatistics layer in layers)
        {
            Assert.Equal(gates, layer.Gates.Count);
            foreach (GateStatistics g in layer.Gates)
            {
                Assert.InRange(g.LowFraction, 0, 1);
                Assert.InRange(g.HighFraction, 0, 1);
                Assert.InRange(g.SaturatedFraction, 0, 1);
                Assert.Equal(layer.Layer, g.Layer);
            }
            Assert.True(layer.HiddenStd > 0);
            Assert.Equal(cell == RecurrentCellKind.Lstm, layer.MeanForgetGate is not null);
            Assert.Equal(cell == RecurrentCellKind.Gru, layer.MeanUpdateGate is not null);
        }
        if (cell == RecurrentCellKind.Lstm)
        {
            // Forget bias 1 at initialisation: f = σ(1 + small terms) ≈ 0.73.
            Assert.InRange(layers[0].MeanForgetGate!.Value, 0.6, 0.85);
        }
    }

    [Theory]
    [InlineData(RecurrentCellKind.PeepholeLstm, new[] { "i", "f", "g", "o" })]
    [InlineData(RecurrentCellKind.Lstm1997, new[] { "i", "g", "o" })]
    [InlineData(RecurrentCellKind.CifgLstm, new[] { "i", "f", "g", "o" })]
    [InlineData(RecurrentCellKind.ChoGru, new[] { "r", "z", "n" })]
    public void Variants_report_the_gates_they_have(RecurrentCellKind cell, string[] gates)
    {
        IReadOnlyList<LayerStatistics> layers = GateActivity.ForFreshEncoder(cell, steps: 20, hiddenSize: 8, inputSize: 3, layers: 2, batchSize: 4, seed: 1);

        Assert.Equal(new[] { 0, 1 }, layers.Select(l => l.Layer));
        foreach (LayerStatistics layer in layers)
        {
            Assert.Equal(gates, layer.Gates.Select(g => g.Gate));
            Assert.All(layer.Gates, g => Assert.Equal(g.Gate is "g" or "n" ? "tanh" : "sigmoid", g.Activation));
            Assert.All(layer.Gates, g => Assert.InRange(g.SaturatedFraction, 0, 1));
            Assert.True(layer.HiddenStd > 0);
            // The 1997 LSTM has no forget gate (f ≡ 1): no mean forget gate, but a cell state.
            Assert.Equal(cell is RecurrentCellKind.PeepholeLstm or RecurrentCellKind.CifgLstm, layer.MeanForgetGate is not null);
            Assert.Equal(cell == RecurrentCellKind.ChoGru, layer.MeanUpdateGate is not null);
            Assert.Equal(cell != RecurrentCellKind.ChoGru, layer.MeanCellMagnitude is not null);
        }
        if (layers[0].MeanForgetGate is { } f)
        {
            // Forget bias 1 at initialisation, for CIFG through the input-gate bias −1: f ≈ σ(1) ≈ 0.73.
            Assert.InRange(f, 0.6, 0.85);
        }
    }

    [Fact]
    public void Cifg_records_its_forget_gate_as_one_minus_the_input_gate()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(6);
        using var encoder = new RecurrentEncoder(new EncoderSpec(RecurrentCellKind.CifgLstm, 2, 3));
        var recorder = new GateRecorder();
        using (no_grad()) encoder.Forward(randn(2, 4, 2), full(2, 4L, ScalarType.Int64), null, RecurrentPath.Explicit, recorder);
        Assert.Equal(4, recorder.Steps.Count);
        foreach (var step in recorder.Steps)
        {
            Assert.Equal(0.0, (step["f"] - (1 - step["i"])).abs().max().item<float>());
        }
    }

    [Fact]
    public void Recorded_activations_match_the_encoder_run_they_come_from()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(3);
        using var encoder = new RecurrentEncoder(new EncoderSpec(RecurrentCellKind.RnnTanh, 2, 4, Layers: 2));
        Tensor x = randn(3, 5, 2);
        IReadOnlyList<LayerStatistics> layers = GateActivity.Measure(encoder, x);
        // For a tanh RNN the recorded activation of the top layer is its output; count by hand from that output.
        Tensor output = encoder.Forward(x, full(3, 5L, ScalarType.Int64), null, RecurrentPath.Explicit).Output.detach();
        float[] values = output.data<float>().ToArray();
        Assert.Equal(values.Count(v => v < -0.9) / (double)values.Length, layers[1].Gates[0].LowFraction, 12);
        Assert.Equal(values.Count(v => v > 0.9) / (double)values.Length, layers[1].Gates[0].HighFraction, 12);
        double mean = values.Average(v => (double)v);
        Assert.Equal(Math.Sqrt(values.Average(v => (v - mean) * (v - mean))), layers[1].HiddenStd, 5);
    }

    private static (string, Tensor) G(string name, double a, double b) => (name, tensor(new[] { a, b }, dtype: float64).reshape(1, 2));
}
