using BenchmarkDotNet.Attributes;
using LstmMlNet.Catalog;
using LstmMlNet.Engine;
using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LstmMlNet.Benchmarks;

/// <summary>
/// Training throughput of the binary trainer — <c>Fit</c> on an IDataView of token vectors: reading the column,
/// vocabulary, batching, two epochs of a bidirectional LSTM (E = H = 128, max pooling, batch 32, Adam, clipping 5),
/// ONNX export and the fitted ML.NET chain — against a hand-written TorchSharp loop training the same architecture
/// for two epochs over id tensors built once, in length-sorted batches of 32 (as our length bucketing pads). Tokens
/// per second = rows' tokens × epochs / time, so the time ratio is the inverse of the throughput ratio.
/// </summary>
[Config(typeof(WholeFitRunConfig))]
[MemoryDiagnoser]
public class TrainerThroughputBenchmark
{
    private const int Rows = 1000, Vocabulary = 2000, Epochs = 2, Batch = 32, Hidden = 128, Embedding = 128;

    private IDataView data = null!;
    private MLContext ml = null!;
    private (Tensor Ids, Tensor Targets)[] batches = null!;

    public sealed class Row
    {
        [VectorType]
        public string[] Tokens { get; set; } = Array.Empty<string>();

        public bool Label { get; set; }
    }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        // The label is whether "w1".."w50" outnumber "w51".."w100": a learnable signal spread over the sequence.
        Row[] rows = Enumerable.Range(0, Rows).Select(_ =>
        {
            int[] ids = Enumerable.Range(0, random.Next(10, 61)).Select(_ => random.Next(1, Vocabulary + 1)).ToArray();
            return new Row { Tokens = ids.Select(i => $"w{i}").ToArray(), Label = ids.Count(i => i <= 50) > ids.Count(i => i is > 50 and <= 100) };
        }).ToArray();
        ml = new MLContext(seed: 1);
        data = ml.Data.Cache(ml.Data.LoadFromEnumerable(rows));
        TokensPerEpoch = rows.Sum(r => r.Tokens.Length);

        var index = rows.SelectMany(r => r.Tokens).Distinct().Select((t, i) => (t, i)).ToDictionary(p => p.t, p => (long)p.i + 1);
        batches = rows.OrderBy(r => r.Tokens.Length).Chunk(Batch).Select(chunk =>
        {
            int steps = chunk.Max(r => r.Tokens.Length);
            var ids = new long[chunk.Length * steps];
            for (int i = 0; i < chunk.Length; i++)
                for (int t = 0; t < chunk[i].Tokens.Length; t++) ids[i * steps + t] = index[chunk[i].Tokens[t]];
            return (tensor(ids, new long[] { chunk.Length, steps }), tensor(chunk.Select(r => r.Label ? 1f : 0f).ToArray(), new long[] { chunk.Length, 1 }));
        }).ToArray();
    }

    /// <summary>Tokens in one epoch of the data (for tokens/s in the README).</summary>
    public long TokensPerEpoch { get; private set; }

    [Benchmark(Baseline = true, Description = "hand-written TorchSharp loop, 2 epochs")]
    public double HandWritten()
    {
        TorchSharp.torch.random.manual_seed(1);
        using var embedding = nn.Embedding(Vocabulary + 1, Embedding);
        using var lstm = nn.LSTM(Embedding, Hidden, 1, batchFirst: true, bidirectional: true);
        using var head = nn.Linear(2 * Hidden, 1);
        Parameter[] parameters = embedding.parameters().Concat(lstm.parameters()).Concat(head.parameters()).ToArray();
        var optimizer = optim.Adam(parameters, 1e-3);
        var order = new Random(1);
        double last = 0;
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            foreach (var (ids, targets) in batches.OrderBy(_ => order.Next()))
            {
                using var scope = NewDisposeScope();
                var (output, _, _) = lstm.call(embedding.call(ids), null);
                Tensor logits = head.call(output.max(1).values);
                Tensor loss = nn.functional.binary_cross_entropy_with_logits(logits, targets);
                optimizer.zero_grad();
                loss.backward();
                nn.utils.clip_grad_norm_(parameters, 5.0);
                optimizer.step();
                last = loss.item<float>();
            }
        }
        return last;
    }

    [Benchmark(Description = "LstmMlNet binary trainer Fit, 2 epochs")]
    public ITransformer Trainer() =>
        ml.BinaryClassification.Trainers.Lstm(new LstmBinaryTrainer.Options
        {
            Seed = 1, Epochs = Epochs, BatchSize = Batch, ValidationFraction = 0, HeadDropout = 0, MinTokenCount = 1,
            Network = { HiddenSize = Hidden, Bidirectional = true }, EmbeddingSize = Embedding, Pooling = PoolingKind.Max,
            // The baseline's architecture and optimizer: no subwords, no bag of embeddings, no input dropout, Adam 1e-3.
            SubwordBuckets = 0, BagOfEmbeddings = false, InputDropout = 0, LearningRate = 1e-3,
        }).Fit(data);
}
