using BenchmarkDotNet.Attributes;
using LstmMlNet.Catalog;
using LstmMlNet.Interop;
using LstmMlNet.Engine;
using LstmMlNet.Onnx;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using static TorchSharp.torch;

namespace LstmMlNet.Benchmarks;

/// <summary>
/// Scoring a saved binary text model (bidirectional LSTM, E = H = 128, max pooling, vocabulary 2,000, rows of 10–60
/// tokens) after <c>ml.Model.Load</c>: single-row <c>PredictionEngine.Predict</c> latency and bulk <c>Transform</c>
/// throughput over 1,000 rows, against TorchSharp eval of the same network (vocabulary lookup included; bulk in
/// length-sorted batches of 64).
/// </summary>
[Config(typeof(InProcessConfig))]
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ScoringBenchmark
{
    private const int Rows = 1000, Vocabulary = 2000, Batch = 64;

    private SequenceNetwork network = null!;
    private Dictionary<string, long> vocabulary = null!;
    private TokenRow[] rows = null!;
    private TokenRow single = null!;
    private IDataView data = null!;
    private ITransformer loaded = null!;
    private PredictionEngine<TokenRow, ScoreRow> engine = null!;

    public sealed class TokenRow
    {
        [VectorType]
        public string[] Tokens { get; set; } = Array.Empty<string>();
    }

    public sealed class ScoreRow
    {
        public float Score { get; set; }

        public float Probability { get; set; }

        public bool PredictedLabel { get; set; }
    }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        vocabulary = Enumerable.Range(1, Vocabulary).ToDictionary(i => $"w{i}", i => (long)i);
        rows = Enumerable.Range(0, Rows).Select(_ => new TokenRow
        {
            Tokens = Enumerable.Range(0, random.Next(10, 61)).Select(_ => $"w{random.Next(1, Vocabulary + 400)}").ToArray(),
        }).ToArray();
        single = rows[0];

        TorchSharp.torch.random.manual_seed(1);
        network = new SequenceNetwork(new NetworkSpec(new TokenInput(Vocabulary + 1, 128), 1, RecurrentCellKind.Lstm, 128, 1, true, Pooling: PoolingKind.Max));
        network.eval();

        const string raw = "Raw";
        byte[] onnx = OnnxExporter.Export(network, new OnnxExportOptions(OnnxHead.Sigmoid, "Ids", ScoreName: "Probability", LogitName: raw));
        var ml = new MLContext(seed: 1);
        data = ml.Data.LoadFromEnumerable(rows);
        // The composition the binary trainer returns: vocabulary → ONNX → ML.NET's binary prediction transformer.
        ITransformer scorer = OnnxScoringChain.ForTokens(ml, "Tokens", vocabulary, onnx, "Ids", raw).Fit(data);
        IDataView scored = scorer.Transform(data);
        ITransformer head = PredictionHeads.Binary((IHostEnvironment)ml, scored, raw);
        ITransformer model = new TransformerChain<ITransformer>(scorer, head);
        var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        stream.Position = 0;
        var app = new MLContext();
        loaded = app.Model.Load(stream, out _);
        engine = app.Model.CreatePredictionEngine<TokenRow, ScoreRow>(loaded);
    }

    [Benchmark(Baseline = true, Description = "TorchSharp eval, 1 row")]
    [BenchmarkCategory("single")]
    public float TorchSingle()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long[] ids = Ids(single);
        Tensor logits = network.Forward(tensor(ids, new long[] { 1, ids.Length }), tensor(new long[] { ids.Length }));
        return logits.item<float>();
    }

    [Benchmark(Description = "loaded model, PredictionEngine, 1 row")]
    [BenchmarkCategory("single")]
    public float EngineSingle() => engine.Predict(single).Score;

    [Benchmark(Baseline = true, Description = "TorchSharp eval, 1,000 rows in batches of 64")]
    [BenchmarkCategory("bulk")]
    public double TorchBulk()
    {
        double sum = 0;
        foreach (TokenRow[] chunk in rows.OrderBy(r => r.Tokens.Length).Chunk(Batch))
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            int steps = chunk.Max(r => r.Tokens.Length);
            var ids = new long[chunk.Length * steps];
            for (int i = 0; i < chunk.Length; i++) Ids(chunk[i]).CopyTo(ids, i * steps);
            Tensor logits = network.Forward(tensor(ids, new long[] { chunk.Length, steps }), tensor(chunk.Select(r => (long)r.Tokens.Length).ToArray()));
            sum += logits.sum().item<float>();
        }
        return sum;
    }

    [Benchmark(Description = "loaded model, Transform, 1,000 rows")]
    [BenchmarkCategory("bulk")]
    public double TransformBulk() => loaded.Transform(data).GetColumn<float>("Score").Sum();

    private long[] Ids(TokenRow row) => row.Tokens.Select(t => vocabulary.TryGetValue(t, out long id) ? id : 0L).ToArray();
}
