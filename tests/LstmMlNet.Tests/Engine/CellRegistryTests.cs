using LstmMlNet.Engine;
using static LstmMlNet.Tests.Engine.EncoderCases;
using static TorchSharp.torch;

namespace LstmMlNet.Tests.Engine;

/// <summary>Each <see cref="RecurrentCellKind"/> has one descriptor, and what the descriptor says holds for the
/// encoder built from it: parameter count, weight shapes, recorded gates, ONNX gate blocks.</summary>
public sealed class CellRegistryTests
{
    public static TheoryData<RecurrentCellKind> Kinds()
    {
        var data = new TheoryData<RecurrentCellKind>();
        foreach (RecurrentCellKind kind in Enum.GetValues<RecurrentCellKind>()) data.Add(kind);
        return data;
    }

    public static TheoryData<RecurrentCellKind, int, bool> AllArchitectures() =>
        Architectures(Enum.GetValues<RecurrentCellKind>());

    [Fact]
    public void Every_kind_has_exactly_one_descriptor()
    {
        RecurrentCellKind[] kinds = Enum.GetValues<RecurrentCellKind>();
        Assert.Equal(kinds, CellRegistry.All.Select(c => c.Kind).ToArray());
        foreach (RecurrentCellKind kind in kinds) Assert.Equal(kind, CellRegistry.For(kind).Kind);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => CellRegistry.For((RecurrentCellKind)99));
        Assert.StartsWith("Unknown cell kind.", error.Message);
    }

    [Theory]
    [MemberData(nameof(AllArchitectures))]
    public void Descriptor_parameter_count_is_the_constructed_encoders(RecurrentCellKind kind, int layers, bool bidirectional)
    {
        using var encoder = new RecurrentEncoder(new EncoderSpec(kind, Input, Hidden, layers, bidirectional));
        RecurrentCell cell = CellRegistry.For(kind);
        int directions = bidirectional ? 2 : 1;
        long expected = 0;
        for (int layer = 0; layer < layers; layer++) expected += directions * cell.ParametersPerDirection(layer == 0 ? Input : directions * Hidden, Hidden);
        Assert.Equal(expected, encoder.ParameterCount());
        Assert.Equal(expected, ParameterCount.Encoder(kind, Input, Hidden, layers, bidirectional));
        Assert.Equal(cell.HasFusedKernel, encoder.HasFusedPath);
        CellWeights w = encoder.Weights(layers - 1, directions - 1);
        Assert.Equal(new long[] { cell.GateCount * Hidden, layers == 1 ? Input : directions * Hidden }, w.InputWeight.shape);
        Assert.Equal(new long[] { cell.GateCount * Hidden, Hidden }, w.RecurrentWeight.shape);
        Assert.Equal(cell.PeepholeSize(Hidden), w.Peephole?.numel() ?? 0);
    }

    [Fact]
    public void Closed_forms_per_layer_and_direction()
    {
        // I = 5, H = 6, two bias vectors per gate block.
        const int i = Input, h = Hidden;
        Assert.Equal(4 * (i + h) * h + 8 * h, CellRegistry.For(RecurrentCellKind.Lstm).ParametersPerDirection(i, h));
        Assert.Equal(4 * (i + h) * h + 8 * h + 3 * h, CellRegistry.For(RecurrentCellKind.PeepholeLstm).ParametersPerDirection(i, h));
        Assert.Equal(3 * (i + h) * h + 6 * h, CellRegistry.For(RecurrentCellKind.Gru).ParametersPerDirection(i, h));
        Assert.Equal(3 * (i + h) * h + 6 * h, CellRegistry.For(RecurrentCellKind.ChoGru).ParametersPerDirection(i, h));
        Assert.Equal(3 * (i + h) * h + 6 * h, CellRegistry.For(RecurrentCellKind.Lstm1997).ParametersPerDirection(i, h));
        Assert.Equal(3 * (i + h) * h + 6 * h, CellRegistry.For(RecurrentCellKind.CifgLstm).ParametersPerDirection(i, h));
        Assert.Equal((i + h) * h + 2 * h, CellRegistry.For(RecurrentCellKind.RnnTanh).ParametersPerDirection(i, h));
        Assert.Equal((i + h) * h + 2 * h, CellRegistry.For(RecurrentCellKind.RnnRelu).ParametersPerDirection(i, h));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Recorded_gates_are_the_listed_ones_in_order(RecurrentCellKind kind)
    {
        using var scope = NewDisposeScope();
        RecurrentCell cell = CellRegistry.For(kind);
        using var encoder = new RecurrentEncoder(new EncoderSpec(kind, Input, Hidden));
        var recorder = new GateRecorder();
        using (no_grad()) encoder.Forward(randn(Batch, 2, Input), full(Batch, 2L, ScalarType.Int64), recorder: recorder);
        string[] recorded = recorder.Steps[0].Keys.ToArray();
        string[] expected = cell.Gates.Select(g => g.Name).Where(n => n != "h").Concat(cell.HasCellState ? new[] { "c", "h" } : new[] { "h" }).ToArray();
        Assert.Equal(expected, recorded);
        if (cell.ForgetGate is { } f) Assert.Contains(f, recorded);
        if (cell.UpdateGate is { } z) Assert.Contains(z, recorded);
        Assert.All(cell.Gates, g => Assert.Contains(g.Activation, new[] { "sigmoid", "tanh", "relu" }));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Onnx_form_reads_every_source_gate_block_once(RecurrentCellKind kind)
    {
        RecurrentCell cell = CellRegistry.For(kind);
        int[] used = cell.Onnx.Order.Where(k => k >= 0).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, cell.GateCount).ToArray(), used);
        Assert.Equal(cell.Onnx.PeepholeOrder is not null, cell.PeepholeSize(Hidden) > 0);
        Assert.Equal(cell.HasFusedKernel, cell.FusedKernel is not null);
    }
}
