using LstmMlNet.Tests.Infrastructure;
using LstmMlNet.Engine;
using LstmMlNet.Onnx;
using Microsoft.ML;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace LstmMlNet.Tests.Onnx;

/// <summary>The ML.NET chain around an exported model: Fit, Save, Load in a fresh context, predict.</summary>
public sealed class OnnxScoringChainTests : IDisposable
{
    private const double Tolerance = 1e-4;
    private const int FrameSize = 3;
    private readonly string folder = Directory.CreateTempSubdirectory("lstmmlnet-onnx-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    internal sealed class TokenRow
    {
        [VectorType]
        public string[] Tokens { get; set; } = Array.Empty<string>();
    }

    internal sealed class FrameRow
    {
        [VectorType]
        public float[] Frames { get; set; } = Array.Empty<float>();
    }

    internal static readonly string[] Words = { "the", "cat", "sat", "on", "a", "mat", "dog", "ran" };

    internal static Dictionary<string, long> Vocabulary() => Words.Select((w, i) => (w, (long)i + 1)).ToDictionary(p => p.w, p => p.Item2);

    internal static TokenRow[] TokenRows() => new[]
    {
        new TokenRow { Tokens = new[] { "the", "cat", "sat", "on", "the", "mat" } },
        new TokenRow { Tokens = new[] { "dog" } },
        new TokenRow { Tokens = Array.Empty<string>() },
        new TokenRow { Tokens = new[] { "a", "zebra", "ran", "unknown" } },
        new TokenRow { Tokens = new[] { "zebra" } },
    };

    internal static SequenceNetwork TokenNetwork(int outputs)
    {
        random.manual_seed(21);
        var network = new SequenceNetwork(new NetworkSpec(new TokenInput(Words.Length + 1, 4), outputs, RecurrentCellKind.Lstm, HiddenSize: 5, Layers: 2,
            Bidirectional: true, Pooling: PoolingKind.Attention, AttentionSize: 4,
            Initialization: new RecurrentInitialization { UseLibTorchDefaults = true }));
        network.eval();
        return network;
    }

    /// <summary>TorchSharp scores for a token row, ids looked up as MapValue does (missing → 0, empty → [0]).</summary>
    internal static float[] TorchScores(SequenceNetwork network, string[] tokens, OnnxHead head)
    {
        var vocabulary = Vocabulary();
        long[] ids = tokens.Length == 0 ? new[] { 0L } : tokens.Select(t => vocabulary.GetValueOrDefault(t)).ToArray();
        using var scope = NewDisposeScope();
        return OnnxExportTests.Reference(network, tensor(ids).unsqueeze(0), head);
    }

    internal static float[][] Scores(IDataView data, string column) => data.GetColumn<float[]>(column).ToArray();

    [Fact]
    public void Map_value_sends_tokens_missing_from_the_vocabulary_to_zero()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(TokenRows());
        IDataView ids = ml.Transforms.Conversion.MapValue("Ids", Vocabulary(), "Tokens").Fit(data).Transform(data);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Int64), ids.Schema["Ids"].Type);
        long[][] values = ids.GetColumn<long[]>("Ids").ToArray();
        Assert.Equal(new long[] { 1, 2, 3, 4, 1, 6 }, values[0]);
        Assert.Empty(values[2]);
        Assert.Equal(new long[] { 5, 0, 8, 0 }, values[3]);
        Assert.Equal(new long[] { 0 }, values[4]);
    }

    [Fact]
    public void Token_chain_saves_loads_and_predicts_like_torchsharp()
    {
        using var scope = NewDisposeScope();
        SequenceNetwork network = TokenNetwork(3);
        byte[] bytes = OnnxExporter.Export(network, new OnnxExportOptions(OnnxHead.Softmax, InputName: "TokenIds", LogitName: "Logits"));
        var ml = new MLContext(seed: 1);
        TokenRow[] rows = TokenRows();
        IDataView data = ml.Data.LoadFromEnumerable(rows);
        ITransformer model = OnnxScoringChain.ForTokens(ml, "Tokens", Vocabulary(), bytes, "TokenIds", "Score", "Logits").Fit(data);
        IDataView scored = model.Transform(data);
        Assert.False(scored.Schema.GetColumnOrNull("TokenIds").HasValue);
        // OnnxTransformer keeps the ONNX output shape [1, K] as the vector's dimensions: K values per row.
        var scoreType = Assert.IsType<VectorDataViewType>(scored.Schema["Score"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 1, 3), scoreType);
        Assert.Equal(3, scoreType.Size);
        float[][] inMemory = Scores(scored, "Score");

        string path = Path.Combine(folder, "tokens.zip");
        ml.Model.Save(model, data.Schema, path);
        var fresh = new MLContext(seed: 2);
        ITransformer loaded = fresh.Model.Load(path, out DataViewSchema inputSchema);
        using var releaseLoaded = Released.After(loaded);
        Assert.Equal("Tokens", Assert.Single(inputSchema).Name);
        float[][] reloaded = Scores(loaded.Transform(fresh.Data.LoadFromEnumerable(rows)), "Score");

        for (int i = 0; i < rows.Length; i++)
        {
            Assert.Equal(inMemory[i], reloaded[i]);
            float[] expected = TorchScores(network, rows[i].Tokens, OnnxHead.Softmax);
            double diff = OnnxExportTests.MaxDifference(expected, inMemory[i]);
            Assert.True(diff <= Tolerance, $"row {i}: max |difference| {diff:E2}");
        }
        // The prediction engine path (one row at a time) agrees too.
        var engine = fresh.Model.CreatePredictionEngine<TokenRow, ScorePrediction>(loaded);
        Assert.Equal(inMemory[3], engine.Predict(rows[3]).Score);
    }

    internal sealed class ScorePrediction
    {
        public float[] Score { get; set; } = Array.Empty<float>();
    }

    [Fact]
    public void Frame_chain_with_one_output_gives_a_one_element_vector_and_round_trips()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(5);
        var network = new SequenceNetwork(new NetworkSpec(new FrameInput(FrameSize, ProjectionSize: 2), 1, RecurrentCellKind.Gru, HiddenSize: 4, Layers: 1,
            Pooling: PoolingKind.Mean, Initialization: new RecurrentInitialization { UseLibTorchDefaults = true }));
        network.eval();
        float[] mean = { 1f, 0f, -1f };
        float[] scale = { 0.5f, 2f, 1f };
        byte[] bytes = OnnxExporter.Export(network, new OnnxExportOptions(OnnxHead.Sigmoid, FrameMean: mean, FrameScale: scale));
        var ml = new MLContext(seed: 1);
        FrameRow[] rows =
        {
            new() { Frames = new[] { 1f, 2f, 3f, -1f, 0.5f, 4f } },
            new() { Frames = new[] { 0.1f, 0.2f, 0.3f } },
            new() { Frames = Array.Empty<float>() },
        };
        IDataView data = ml.Data.LoadFromEnumerable(rows);
        ITransformer model = OnnxScoringChain.ForFrames(ml, "Frames", bytes, "Input", 0, "Score").Fit(data);
        IDataView scored = model.Transform(data);
        // [1, 1] stays a vector (dimensions 1 × 1, one value), not a scalar column.
        var scoreType = Assert.IsType<VectorDataViewType>(scored.Schema["Score"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 1, 1), scoreType);
        Assert.Equal(1, scoreType.Size);
        float[][] inMemory = Scores(scored, "Score");

        string path = Path.Combine(folder, "frames.zip");
        ml.Model.Save(model, data.Schema, path);
        var fresh = new MLContext(seed: 2);
        ITransformer reloadedModel = fresh.Model.Load(path, out _);
        using var releaseReloaded = Released.After(reloadedModel);
        float[][] reloaded = Scores(reloadedModel.Transform(fresh.Data.LoadFromEnumerable(rows)), "Score");
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.Equal(inMemory[i], reloaded[i]);
            float[] raw = rows[i].Frames.Length == 0 ? new float[FrameSize] : rows[i].Frames;
            Tensor frames = (tensor(raw).view(1, -1, FrameSize) - tensor(mean)) * tensor(scale);
            float[] expected = OnnxExportTests.Reference(network, frames, OnnxHead.Sigmoid);
            double diff = OnnxExportTests.MaxDifference(expected, inMemory[i]);
            Assert.True(diff <= Tolerance, $"row {i}: max |difference| {diff:E2}");
        }
    }

    [Fact]
    public void Frame_chain_on_a_fixed_size_vector_column_pins_the_length_and_matches_the_network()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(6);
        var network = new SequenceNetwork(new NetworkSpec(new FrameInput(FrameSize), 1, RecurrentCellKind.Lstm, HiddenSize: 4, Layers: 1,
            Pooling: PoolingKind.Last, Initialization: new RecurrentInitialization { UseLibTorchDefaults = true }));
        network.eval();
        byte[] bytes = OnnxExporter.Export(network, new OnnxExportOptions(OnnxHead.Identity));
        var ml = new MLContext(seed: 1);
        FixedFrameRow[] rows =
        {
            new() { Frames = new[] { 1f, 2f, 3f, -1f, 0.5f, 4f } },
            new() { Frames = new[] { 0.1f, 0.2f, 0.3f, 0f, 0f, 1f } },
        };
        IDataView data = ml.Data.LoadFromEnumerable(rows);
        // Without the pin, OnnxTransformer reads the graph's symbolic length as 0 and fails on every row.
        ITransformer model = OnnxScoringChain.ForFrames(ml, "Frames", bytes, "Input", 2 * FrameSize, "Score").Fit(data);
        float[][] scores = Scores(model.Transform(data), "Score");
        for (int i = 0; i < rows.Length; i++)
        {
            float[] expected = OnnxExportTests.Reference(network, tensor(rows[i].Frames).view(1, -1, FrameSize), OnnxHead.Identity);
            double diff = OnnxExportTests.MaxDifference(expected, scores[i]);
            Assert.True(diff <= Tolerance, $"row {i}: max |difference| {diff:E2}");
        }
    }

    private sealed class FixedFrameRow
    {
        [VectorType(2 * FrameSize)]
        public float[] Frames { get; set; } = Array.Empty<float>();
    }

    [Fact]
    public void Truncated_or_corrupted_zip_fails_with_an_exception()
    {
        using var scope = NewDisposeScope();
        byte[] bytes = OnnxExporter.Export(TokenNetwork(2), new OnnxExportOptions(OnnxHead.Softmax));
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(TokenRows());
        ITransformer model = OnnxScoringChain.ForTokens(ml, "Tokens", Vocabulary(), bytes, "Input", "Score").Fit(data);
        string path = Path.Combine(folder, "good.zip");
        ml.Model.Save(model, data.Schema, path);
        byte[] zip = File.ReadAllBytes(path);

        string[] before = OnnxTempFiles.Left();
        string truncated = Path.Combine(folder, "truncated.zip");
        File.WriteAllBytes(truncated, zip.AsSpan(0, zip.Length / 2).ToArray());
        Assert.ThrowsAny<Exception>(() => new MLContext().Model.Load(truncated, out _));

        // Flip bytes in the middle of the archive, where the ONNX bytes and transform streams lie.
        string corrupted = Path.Combine(folder, "corrupted.zip");
        byte[] damaged = (byte[])zip.Clone();
        for (int i = damaged.Length / 3; i < damaged.Length / 3 + 256; i++) damaged[i] ^= 0x5A;
        File.WriteAllBytes(corrupted, damaged);
        Assert.ThrowsAny<Exception>(() =>
        {
            var fresh = new MLContext();
            ITransformer loaded = fresh.Model.Load(corrupted, out _);
            using var releaseLoaded = Released.After(loaded);
            _ = Scores(loaded.Transform(fresh.Data.LoadFromEnumerable(TokenRows())), "Score");
        });

        string garbage = Path.Combine(folder, "garbage.zip");
        File.WriteAllBytes(garbage, new byte[] { 1, 2, 3, 4 });
        Assert.ThrowsAny<Exception>(() => new MLContext().Model.Load(garbage, out _));
        Released.FilesOfFailedLoads(before);
    }
}
