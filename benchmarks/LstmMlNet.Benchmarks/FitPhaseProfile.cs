using System.Diagnostics;
using LstmMlNet.Catalog;
using LstmMlNet.Data;
using LstmMlNet.Engine;
using LstmMlNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace LstmMlNet.Benchmarks;

/// <summary>
/// Not a BenchmarkDotNet class: a phase profile of one AG News multiclass Fit with the defaults (80/20 split seed 1 of
/// the 7,600 rows, as the accuracy test), run with <c>-- --profile-fit [epochs] [dense] [threads=N]</c> (<c>dense</c>: dense Adam over the embedding tables;
/// <c>threads=N</c>: libtorch's intra-op threads). It times the ML.NET featurization,
/// the column read and vocabulary, the subword table, and then trains the trainer's own network with the trainer's own
/// loop pieces for the given epochs (default 1), timing per batch: batch building, forward (embedding with subwords,
/// encoder, pooling + head + loss), backward, clipping and the optimiser step; then the whole trainer Fit for the same
/// epochs, whose time outside the epochs is reading, vocabulary, export and the chain.
/// </summary>
internal static class FitPhaseProfile
{
    public static void Run(int epochs, bool dense)
    {
        var total = Stopwatch.StartNew();
        var ml = new MLContext(seed: 1);
        string path = Path.Combine(SharedDataPath(), "agnews", "ag_news_test.csv");
        IDataView all = ml.Data.LoadFromTextFile<NewsRow>(path, separatorChar: ',', hasHeader: false, allowQuoting: true);
        var split = ml.Data.TrainTestSplit(all, testFraction: 0.2, seed: 1);
        var featurize = ml.Transforms.Conversion.MapValueToKey("Label", "Class")
            .Append(ml.Transforms.Concatenate("Text", "Title", "Description"))
            .Append(ml.Transforms.Text.NormalizeText("Normalized", "Text", keepPunctuations: false))
            .Append(ml.Transforms.Text.TokenizeIntoWords("Tokens", "Normalized"));
        var clock = Stopwatch.StartNew();
        IDataView train = ml.Data.Cache(featurize.Fit(split.TrainSet).Transform(split.TrainSet));
        long rows = train.GetColumn<uint>("Label").LongCount();
        Report("featurize + cache (ML.NET text transforms)", clock);

        var options = new LstmMulticlassTrainer.Options { Seed = 1, Epochs = epochs, SparseEmbeddingUpdates = !dense };
        var (features, read) = SequenceFeatures.Fit(train, options.FeatureColumnName, 0, options.MaxSequenceLength, options.MaxVocabularySize, options.MinTokenCount, null);
        Report("read column + vocabulary", clock);
        long[] classes = train.GetColumn<uint>("Label").Select(k => (long)k - 1).ToArray();
        var data = SequenceDataset.FromTokens(read.Tokens!, classes);
        NetworkSpec spec = options.Network.ApplyTo(new NetworkSpec(
            new TokenInput(features.Vocabulary!.EmbeddingRows, options.EmbeddingSize, SubwordBuckets: options.SubwordBuckets), 4,
            Pooling: options.Pooling, AttentionSize: options.AttentionSize, HeadDropout: options.HeadDropout,
            InputDropout: options.InputDropout, BagOfEmbeddings: options.BagOfEmbeddings));
        SubwordTable table = new SubwordNgrams(spec.SubwordBuckets, options.SubwordMinLength, options.SubwordMaxLength).Table(features.Vocabulary.Ids, spec.VocabularySize);
        Report("subword table", clock);
        long tokens = read.Tokens!.Sum(t => (long)t.Length);
        Console.WriteLine($"rows {rows}, vocabulary rows {spec.VocabularySize}, subword width {table.Width}, tokens per epoch {tokens:N0}, threads {torch.get_num_threads()}");

        torch.random.manual_seed(1);
        using var network = new SequenceNetwork(spec, table);
        var parameters = network.parameters().ToArray();
        using LazyRowAdam? lazy = LazyRowAdam.For(network, options, CPU);
        using DenseOptimizer optimizer = DenseOptimizer.Create(lazy is null ? parameters : lazy.Others(parameters), options);
        Console.WriteLine($"dense optimiser parameters {(lazy is null ? parameters.Length : lazy.Others(parameters).Length)} of {parameters.Length}");
        var objective = new MulticlassObjective(options.LabelSmoothing);
        var random = new Random(1);
        var phases = new Dictionary<string, double>();
        void Add(string name, Stopwatch sw) { phases[name] = phases.GetValueOrDefault(name) + sw.Elapsed.TotalMilliseconds; sw.Restart(); }
        long padded = 0;
        var epochClock = Stopwatch.StartNew();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            network.train();
            var sw = Stopwatch.StartNew();
            List<int[]> batches = BatchPlanner.Training(data, options.BatchSize, random);
            Add("plan", sw);
            foreach (int[] indices in batches)
            {
                using var scope = NewDisposeScope();
                SequenceBatch batch = BatchBuilder.Build(data, indices, CPU);
                padded += batch.Count * batch.Inputs.shape[1];
                Add("batch", sw);
                Tensor stepInputs = nn.functional.dropout(network.Embed(batch.Inputs), spec.InputDropout, true);
                Add("forward: embedding + subwords + dropout", sw);
                EncoderOutput encoded = network.Encoder.Forward(stepInputs, batch.Lengths, null, RecurrentPath.Fused, finalCellState: false, use: network.Pooling.EncoderOutputUse);
                Add("forward: encoder", sw);
                var (pooled, _) = network.Pooling.Forward(encoded.Output, batch.Lengths);
                pooled = nn.functional.dropout(network.HeadInput(pooled, stepInputs, batch.Lengths), spec.HeadDropout, true);
                Tensor loss = nn.functional.cross_entropy(network.Head.call(pooled), batch.Targets, label_smoothing: options.LabelSmoothing);
                Add("forward: pooling + bag + head + loss", sw);
                optimizer.ZeroGrad();
                lazy?.ZeroGrad();
                Add("zero_grad", sw);
                loss.backward();
                Add("backward", sw);
                if (lazy is null)
                {
                    TrainingLoop.ClipAndStep(optimizer, parameters, options.GradientClipNorm, lazy);
                    Add("clip + dense Adam step", sw);
                }
                else
                {
                    double sq = lazy.GatherSquaredNorm();
                    Add("lazy: gather + norm", sw);
                    Tensor[] denseGrads = lazy.Others(parameters).Select(p => p.grad).Where(g => g is not null).ToArray()!;
                    sq += denseGrads.Sum(g => (double)g.mul(g).sum().item<float>());
                    double scale = Math.Min(1.0, options.GradientClipNorm / (Math.Sqrt(sq) + 1e-6));
                    if (scale < 1) using (no_grad()) foreach (Tensor g in denseGrads) g.mul_(scale);
                    Add("dense clip", sw);
                    optimizer.Step();
                    Add("dense Adam step", sw);
                    lazy.Step(optimizer.LearningRate, scale);
                    Add("lazy Adam step", sw);
                }
                _ = loss.item<float>();
            }
        }
        double epochMs = epochClock.Elapsed.TotalMilliseconds;
        Console.WriteLine($"manual loop: {epochs} epoch(s) {epochMs / 1000:F2} s, {tokens * epochs / (epochMs / 1000):N0} tokens/s, padded steps {padded:N0} ({(double)padded / (tokens * epochs):P1} of valid)");
        foreach (var (name, ms) in phases.OrderByDescending(p => p.Value)) Console.WriteLine($"  {name,-45} {ms / 1000,8:F2} s  {ms / epochMs,6:P1}");
        foreach (var p in parameters) Console.WriteLine($"  parameter [{string.Join(", ", p.shape)}]");

        clock.Restart();
        var trainer = ml.MulticlassClassification.Trainers.Lstm(options);
        trainer.Fit(train);
        double fit = clock.Elapsed.TotalSeconds;
        double inEpochs = trainer.LastFitReport!.History.Sum(h => h.Seconds);
        Console.WriteLine($"trainer Fit ({epochs} epoch(s)): {fit:F2} s, epochs {inEpochs:F2} s, outside the epochs {fit - inEpochs:F2} s");
        Console.WriteLine($"total {total.Elapsed.TotalSeconds:F1} s");
    }

    private static void Report(string what, Stopwatch clock)
    {
        Console.WriteLine($"{what,-45} {clock.Elapsed.TotalSeconds,8:F2} s");
        clock.Restart();
    }

    internal static string SharedDataPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate)) return candidate;
            candidate = Path.Combine(dir.FullName, "..", "shared", "data");
            if (Directory.Exists(candidate)) return Path.GetFullPath(candidate);
        }
        throw new DirectoryNotFoundException("No shared/data folder beside the repository.");
    }
}

/// <summary>A row of ag_news_test.csv: class 1..4, title, description.</summary>
public sealed class NewsRow
{
    /// <summary>Class 1..4 (World, Sports, Business, Sci/Tech).</summary>
    [LoadColumn(0)] public string Class { get; set; } = "";

    /// <summary>Headline.</summary>
    [LoadColumn(1)] public string Title { get; set; } = "";

    /// <summary>Description.</summary>
    [LoadColumn(2)] public string Description { get; set; } = "";
}
