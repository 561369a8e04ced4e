using System.Diagnostics;
using LstmMlNet.Engine;
using LstmMlNet.Onnx;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace LstmMlNet.Tests.Onnx;

/// <summary>Exported ONNX graphs run in ONNX Runtime against the TorchSharp network in eval mode.</summary>
public sealed class OnnxExportTests
{
    private const double Tolerance = 1e-4;
    private const int Vocabulary = 13;
    private const int FrameSize = 3;
    private static readonly int[] Lengths = { 1, 2, 5, 9 };

    private readonly ITestOutputHelper output;

    public OnnxExportTests(ITestOutputHelper output) => this.output = output;

    /// <summary>Input variants: tokens; frames as they are; frames projected, with mean and scale.</summary>
    public enum InputCase
    {
        Tokens,
        Frames,
        ProjectedNormalisedFrames,
    }

    public static TheoryData<RecurrentCellKind, InputCase> Architectures()
    {
        var data = new TheoryData<RecurrentCellKind, InputCase>();
        foreach (RecurrentCellKind cell in Enum.GetValues<RecurrentCellKind>())
        {
            foreach (InputCase input in Enum.GetValues<InputCase>())
            {
                data.Add(cell, input);
            }
        }
        return data;
    }

    /// <summary>For one cell and input form: uni/bi × 1..3 layers × every pooling × every head, several lengths.</summary>
    [Theory]
    [MemberData(nameof(Architectures))]
    public void Onnx_runtime_matches_torchsharp(RecurrentCellKind cell, InputCase input)
    {
        var clock = Stopwatch.StartNew();
        double worst = 0;
        int models = 0;
        int seed = 100 * (int)cell + 10 * (int)input;
        foreach (bool bidirectional in new[] { false, true })
        {
            for (int layers = 1; layers <= 3; layers++)
            {
                foreach (PoolingKind pooling in Enum.GetValues<PoolingKind>())
                {
                    foreach (OnnxHead head in Enum.GetValues<OnnxHead>())
                    {
                        string what = $"{cell} {input} {(bidirectional ? "bi" : "uni")} layers={layers} {pooling} {head}";
                        worst = Math.Max(worst, Check(Spec(cell, input, bidirectional, layers, pooling, head), head, input, seed++, what));
                        models++;
                    }
                }
            }
        }
        output.WriteLine($"{cell} {input}: {models} models, max |ONNX − TorchSharp| = {worst:E2}, {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Theory]
    [InlineData(RecurrentCellKind.Lstm, true)]
    [InlineData(RecurrentCellKind.Gru, false)]
    public void Empty_token_row_scores_as_one_out_of_vocabulary_token(RecurrentCellKind cell, bool bidirectional)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(7);
        var network = new SequenceNetwork(new NetworkSpec(new TokenInput(Vocabulary, 4), 3, cell, HiddenSize: 4, Layers: 2,
            Bidirectional: bidirectional, Pooling: PoolingKind.Attention, AttentionSize: 3));
        network.eval();
        var options = new OnnxExportOptions(OnnxHead.Softmax, LogitName: "Logits");
        using var session = new InferenceSession(OnnxExporter.Export(network, options));
        float[] empty = OnnxRuntimeRunner.Run(session, "Input", "Score", Array.Empty<long>());
        float[] oov = OnnxRuntimeRunner.Run(session, "Input", "Score", new[] { 0L });
        float[] expected = Reference(network, tensor(new long[,] { { 0 } }), OnnxHead.Softmax);
        Assert.True(MaxDifference(expected, empty) <= Tolerance, $"empty row vs network on id 0: {MaxDifference(expected, empty):E2}");
        Assert.Equal(oov, empty);
        float[] logits = OnnxRuntimeRunner.Run(session, "Input", "Logits", Array.Empty<long>());
        Assert.True(MaxDifference(Reference(network, tensor(new long[,] { { 0 } }), OnnxHead.Identity), logits) <= Tolerance);
    }

    [Fact]
    public void Empty_frame_row_scores_as_one_zero_frame()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(9);
        var network = new SequenceNetwork(new NetworkSpec(new FrameInput(FrameSize, ProjectionSize: 2), 1, RecurrentCellKind.Lstm, HiddenSize: 4, Layers: 1,
            Bidirectional: true, Pooling: PoolingKind.Last));
        network.eval();
        float[] mean = { 0.5f, -1f, 2f };
        float[] scale = { 2f, 0.5f, 1.5f };
        using var session = new InferenceSession(OnnxExporter.Export(network, new OnnxExportOptions(OnnxHead.Sigmoid, FrameMean: mean, FrameScale: scale)));
        float[] empty = OnnxRuntimeRunner.Run(session, "Input", "Score", Array.Empty<float>());
        Tensor zeroFrame = ((zeros(1, 1, FrameSize) - tensor(mean)) * tensor(scale)).to(float32);
        float[] expected = Reference(network, zeroFrame, OnnxHead.Sigmoid);
        Assert.True(MaxDifference(expected, empty) <= Tolerance, $"empty row vs network on a zero frame: {MaxDifference(expected, empty):E2}");
        Assert.Equal(OnnxRuntimeRunner.Run(session, "Input", "Score", new float[FrameSize]), empty);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Frame_network_with_a_bag_of_frames_matches_onnx_runtime(int projection)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(11);
        var network = new SequenceNetwork(new NetworkSpec(new FrameInput(FrameSize, ProjectionSize: projection), 2, RecurrentCellKind.Lstm, HiddenSize: 4, Bidirectional: true,
            Pooling: PoolingKind.Attention, AttentionSize: 3, BagOfEmbeddings: true));
        network.eval();
        float[] mean = { 0.5f, -1f, 2f };
        float[] scale = { 2f, 0.5f, 1.5f };
        using var session = new InferenceSession(OnnxExporter.Export(network, new OnnxExportOptions(OnnxHead.Softmax, FrameMean: mean, FrameScale: scale)));
        float[] raw = { 0.1f, 0.2f, 0.3f, -1f, 0.5f, 2f, 3f, -0.5f, 0.25f, 1f, 1f, 1f };
        Tensor standardised = ((tensor(raw).reshape(1, 4, FrameSize) - tensor(mean)) * tensor(scale)).to(float32);
        float[] expected = Reference(network, standardised, OnnxHead.Softmax);
        float[] actual = OnnxRuntimeRunner.Run(session, "Input", "Score", raw);
        Assert.True(MaxDifference(expected, actual) <= Tolerance, $"bag of frames: {MaxDifference(expected, actual):E2}");
    }

    [Fact]
    public void Model_carries_producer_opset_and_metadata()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(3);
        var network = new SequenceNetwork(new NetworkSpec(new TokenInput(Vocabulary, 3), 2, RecurrentCellKind.Gru, HiddenSize: 6, Layers: 2,
            Bidirectional: true, Pooling: PoolingKind.Max));
        var extra = new Dictionary<string, string> { ["label_names"] = "neg,pos", ["lstmmlnet.head"] = "overridden" };
        byte[] bytes = OnnxExporter.Export(network, new OnnxExportOptions(OnnxHead.Identity, InputName: "Ids", ScoreName: "Out", Metadata: extra));
        using var session = new InferenceSession(bytes);
        ModelMetadata metadata = session.ModelMetadata;
        Assert.Equal("LstmMlNet", metadata.ProducerName);
        Dictionary<string, string> props = metadata.CustomMetadataMap;
        Assert.Equal("Gru", props["lstmmlnet.cell"]);
        Assert.Equal("6", props["lstmmlnet.hidden_size"]);
        Assert.Equal("2", props["lstmmlnet.layers"]);
        Assert.Equal("true", props["lstmmlnet.bidirectional"]);
        Assert.Equal("Max", props["lstmmlnet.pooling"]);
        Assert.Equal("Tokens", props["lstmmlnet.input"]);
        Assert.Equal("neg,pos", props["label_names"]);
        Assert.Equal("overridden", props["lstmmlnet.head"]);
        Assert.Equal(new[] { "Ids" }, session.InputMetadata.Keys);
        Assert.Equal(new[] { "Out" }, session.OutputMetadata.Keys);
        Assert.Equal(new[] { 1, -1 }, session.InputMetadata["Ids"].Dimensions);
        Assert.Equal(new[] { 1, 2 }, session.OutputMetadata["Out"].Dimensions);

        var model = LstmMlNet.Onnx.Protobuf.ModelProto.Parser.ParseFrom(bytes);
        Assert.Equal(typeof(OnnxExporter).Assembly.GetName().Version!.ToString(), model.ProducerVersion);
        Assert.Equal(17, Assert.Single(model.OpsetImport).Version);
        Assert.Equal(2, model.Graph.Node.Count(n => n.OpType == "GRU"));
    }

    [Fact]
    public void Options_that_do_not_fit_the_network_are_rejected()
    {
        using var scope = NewDisposeScope();
        var frames = new SequenceNetwork(new NetworkSpec(new FrameInput(FrameSize), 1, HiddenSize: 3));
        var tokens = new SequenceNetwork(new NetworkSpec(new TokenInput(5, 2), 1, HiddenSize: 3));
        Assert.Contains("FrameMean has 2 values", Assert.Throws<ArgumentException>(() =>
            OnnxExporter.Export(frames, new OnnxExportOptions(OnnxHead.Identity, FrameMean: new float[2]))).Message);
        Assert.Contains("frame input only", Assert.Throws<ArgumentException>(() =>
            OnnxExporter.Export(tokens, new OnnxExportOptions(OnnxHead.Identity, FrameScale: new float[3]))).Message);
        Assert.Contains("used twice", Assert.Throws<ArgumentException>(() =>
            OnnxExporter.Export(tokens, new OnnxExportOptions(OnnxHead.Identity, ScoreName: "Input"))).Message);
    }

    private static NetworkSpec Spec(RecurrentCellKind cell, InputCase input, bool bidirectional, int layers, PoolingKind pooling, OnnxHead head)
    {
        int outputs = head switch { OnnxHead.Softmax => 3, OnnxHead.Sigmoid => 1, _ => 2 };
        // libtorch's own initialisation draws every bias too, so a misplaced bias block would show.
        var init = new RecurrentInitialization { UseLibTorchDefaults = true };
        return input == InputCase.Tokens
            ? new NetworkSpec(new TokenInput(Vocabulary, 5), outputs, cell, HiddenSize: 4, Layers: layers, Bidirectional: bidirectional,
                Pooling: pooling, AttentionSize: 3, Initialization: init)
            : new NetworkSpec(new FrameInput(FrameSize, ProjectionSize: input == InputCase.ProjectedNormalisedFrames ? 4 : 0), outputs, cell, HiddenSize: 4, Layers: layers, Bidirectional: bidirectional,
                Pooling: pooling, AttentionSize: 3,
                Initialization: init);
    }

    private static double Check(NetworkSpec spec, OnnxHead head, InputCase input, int seed, string what)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(seed);
        var network = new SequenceNetwork(spec);
        network.eval();
        bool normalise = input == InputCase.ProjectedNormalisedFrames;
        float[]? mean = normalise ? randn(FrameSize).data<float>().ToArray() : null;
        float[]? scale = normalise ? (rand(FrameSize) + 0.5).data<float>().ToArray() : null;
        var options = new OnnxExportOptions(head, FrameMean: mean, FrameScale: scale);
        using var session = new InferenceSession(OnnxExporter.Export(network, options));
        double worst = 0;
        foreach (int length in Lengths)
        {
            float[] actual;
            float[] expected;
            if (input == InputCase.Tokens)
            {
                Tensor ids = randint(0, Vocabulary, new long[] { 1, length });
                expected = Reference(network, ids, head);
                actual = OnnxRuntimeRunner.Run(session, "Input", "Score", ids.data<long>().ToArray());
            }
            else
            {
                Tensor frames = randn(1, length, FrameSize) * 2;
                Tensor seen = normalise ? (frames - tensor(mean!)) * tensor(scale!) : frames;
                expected = Reference(network, seen.to(float32), head);
                actual = OnnxRuntimeRunner.Run(session, "Input", "Score", frames.data<float>().ToArray());
            }
            double diff = MaxDifference(expected, actual);
            Assert.True(diff <= Tolerance, $"{what} length={length}: max |difference| {diff:E3} (expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}])");
            worst = Math.Max(worst, diff);
        }
        return worst;
    }

    /// <summary>The TorchSharp network on one sequence, with the head activation applied here.</summary>
    internal static float[] Reference(SequenceNetwork network, Tensor inputs, OnnxHead head)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor logits = network.Forward(inputs, tensor(new[] { inputs.shape[1] }));
        Tensor scores = head switch
        {
            OnnxHead.Softmax => logits.softmax(1),
            OnnxHead.Sigmoid => logits.sigmoid(),
            _ => logits,
        };
        return scores[0].data<float>().ToArray();
    }

    internal static double MaxDifference(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        return expected.Zip(actual, (e, a) => Math.Abs((double)e - a)).DefaultIfEmpty(0).Max();
    }
}
