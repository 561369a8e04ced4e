using LstmMlNet.Engine;
using LstmMlNet.Onnx;
using LstmMlNet.Onnx.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;
using static LstmMlNet.Onnx.OnnxGraphBuilder;
using static TorchSharp.torch;
using DataType = LstmMlNet.Onnx.Protobuf.TensorProto.Types.DataType;

namespace LstmMlNet.Tests.Onnx;

/// <summary>How the cell variants are written as ONNX LSTM/GRU nodes, and that ONNX Runtime reads them as the cells
/// compute. (Every variant also runs through <see cref="OnnxExportTests.Onnx_runtime_matches_torchsharp"/>.)</summary>
public sealed class OnnxVariantExportTests
{
    private const int Vocabulary = 13;

    private readonly ITestOutputHelper output;

    public OnnxVariantExportTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void Onnx_runtime_keeps_the_cell_state_exactly_with_the_no_forget_bias()
    {
        // A bare ONNX LSTM whose forget gate has zero weights and the bias the 1997 LSTM is exported with, and whose
        // input gets g = tanh(0) = 0: then c_t = f^t ⊙ c_0, and c_0 comes back bit for bit after 1000 steps only if
        // ONNX Runtime's σ(bias) is exactly 1.0 (one ulp less, 1 − 2^−24, would move c by about 6·10^−5).
        const int h = 8, steps = 1000;
        var g = new OnnxGraphBuilder("no_forget");
        var bias = new float[8 * h];
        Array.Fill(bias, OnnxExporter.NoForgetGateBias, 2 * h, h); // W_b of gate f (ONNX order i, o, f, c)
        float[] c0 = Enumerable.Range(0, h).Select(k => (float)Math.Sin(k + 1) * 3).ToArray();
        string cell = g.Reserve("Y_c");
        var node = new NodeProto { OpType = "LSTM", Name = "lstm" };
        node.Input.AddRange(new[]
        {
            g.Floats("X", new float[steps], steps, 1, 1),
            g.Floats("W", new float[4 * h], 1, 4 * h, 1),
            g.Floats("R", new float[4 * h * h], 1, 4 * h, h),
            g.Floats("B", bias, 1, 8 * h),
            string.Empty, string.Empty,
            g.Floats("initial_c", c0, 1, 1, h),
        });
        node.Output.AddRange(new[] { string.Empty, string.Empty, cell });
        node.Attribute.Add(Attribute("hidden_size", (long)h));
        g.Graph.Node.Add(node);
        g.Graph.Output.Add(Value(cell, DataType.Float, 1L, 1L, (long)h));
        var model = new ModelProto { IrVersion = OnnxExporter.IrVersion, Graph = g.Graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = OnnxExporter.OpsetVersion });

        using var session = new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(model));
        using var results = session.Run(new RunOptions(), new Dictionary<string, OrtValue>(), new[] { cell });
        float[] cT = results[0].GetTensorDataAsSpan<float>().ToArray();
        Assert.Equal(c0, cT);
    }

    [Fact]
    public void Variants_are_written_with_their_onnx_inputs_and_attributes()
    {
        using var scope = NewDisposeScope();
        const int h = 3;
        ModelProto Export(RecurrentCellKind cell) => ModelProto.Parser.ParseFrom(OnnxExporter.Export(
            new SequenceNetwork(new NetworkSpec(new TokenInput(Vocabulary, 4), 2, cell, HiddenSize: h, Layers: 2, Bidirectional: true)),
            new OnnxExportOptions(OnnxHead.Identity)));
        static long? Int(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name)?.I;
        TensorProto Initializer(ModelProto m, string name) => m.Graph.Initializer.Single(t => t.Name == name);

        // Peephole LSTM: input 7 is P [dirs, 3H].
        ModelProto peephole = Export(RecurrentCellKind.PeepholeLstm);
        NodeProto[] lstms = peephole.Graph.Node.Where(n => n.OpType == "LSTM").ToArray();
        Assert.Equal(2, lstms.Length);
        foreach (NodeProto node in lstms)
        {
            Assert.Equal(8, node.Input.Count);
            Assert.Equal(new[] { string.Empty, string.Empty, string.Empty }, node.Input.Skip(4).Take(3));
            Assert.Equal(new long[] { 2, 3 * h }, Initializer(peephole, node.Input[7]).Dims);
        }

        // 1997 LSTM: zero forget rows in W and R, forget bias 10⁴ in W_b, 0 in R_b.
        ModelProto noForget = Export(RecurrentCellKind.Lstm1997);
        NodeProto first = noForget.Graph.Node.First(n => n.OpType == "LSTM");
        Assert.Equal(4, first.Input.Count);
        float[] w = Floats(Initializer(noForget, first.Input[1]));
        float[] b = Floats(Initializer(noForget, first.Input[3]));
        int inputs = 4;
        for (int dir = 0; dir < 2; dir++)
        {
            Assert.All(w.Skip(dir * 4 * h * inputs + 2 * h * inputs).Take(h * inputs), v => Assert.Equal(0f, v));
            Assert.All(b.Skip(dir * 8 * h + 2 * h).Take(h), v => Assert.Equal(OnnxExporter.NoForgetGateBias, v));
            Assert.All(b.Skip(dir * 8 * h + 6 * h).Take(h), v => Assert.Equal(0f, v));
        }
        Assert.Null(Int(first, "input_forget"));

        // CIFG: input_forget = 1.
        Assert.All(Export(RecurrentCellKind.CifgLstm).Graph.Node.Where(n => n.OpType == "LSTM"), n => Assert.Equal(1L, Int(n, "input_forget")));

        // GRU forms: linear_before_reset 1 (PyTorch) and 0 (Cho et al.).
        Assert.All(Export(RecurrentCellKind.Gru).Graph.Node.Where(n => n.OpType == "GRU"), n => Assert.Equal(1L, Int(n, "linear_before_reset")));
        Assert.All(Export(RecurrentCellKind.ChoGru).Graph.Node.Where(n => n.OpType == "GRU"), n => Assert.Equal(0L, Int(n, "linear_before_reset")));

        Assert.Equal("PeepholeLstm", peephole.MetadataProps.Single(p => p.Key == "lstmmlnet.cell").Value);
    }

    [Theory]
    [InlineData(RecurrentCellKind.PeepholeLstm)]
    [InlineData(RecurrentCellKind.Lstm1997)]
    [InlineData(RecurrentCellKind.CifgLstm)]
    [InlineData(RecurrentCellKind.ChoGru)]
    public void Long_sequences_agree_with_onnx_runtime(RecurrentCellKind cell)
    {
        // 300 steps, logits compared directly: the 1997 LSTM's cell state sums every step's i ⊙ g.
        using var scope = NewDisposeScope();
        random.manual_seed(31);
        var network = new SequenceNetwork(new NetworkSpec(new TokenInput(Vocabulary, 4), 2, cell, HiddenSize: 5, Layers: 2, Bidirectional: true,
            Pooling: PoolingKind.Mean, Initialization: new RecurrentInitialization { UseLibTorchDefaults = true }));
        network.eval();
        using var session = new InferenceSession(OnnxExporter.Export(network, new OnnxExportOptions(OnnxHead.Identity)));
        Tensor ids = randint(0, Vocabulary, new long[] { 1, 300 });
        float[] expected = OnnxExportTests.Reference(network, ids, OnnxHead.Identity);
        float[] actual = OnnxRuntimeRunner.Run(session, "Input", "Score", ids.data<long>().ToArray());
        double diff = OnnxExportTests.MaxDifference(expected, actual);
        output.WriteLine($"{cell}: 300 steps, max |ONNX − TorchSharp| = {diff:E2}");
        Assert.True(diff <= 1e-4, $"{cell}: max |difference| {diff:E3}");
    }

    private static float[] Floats(TensorProto t) =>
        t.RawData.Length > 0 ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray() : t.FloatData.ToArray();
}
