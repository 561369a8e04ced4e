using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmMlNet.Benchmarks;

/// <summary>
/// The soak for "a Fit never takes the process down": short Fits of every estimator, round after round, while a
/// second thread allocates 64 KB–4 MB arrays and forces a garbage collection every few milliseconds, so that a
/// finaliser runs during almost every native call. Before the Scalar-lifetime fix this aborted the process within
/// seconds (libtorch reading a freed <c>c10::Scalar</c>: "toFloat at c10/core/Scalar.h", "Unknown scalar type").
/// A managed exception from a Fit is counted and printed (the run goes on); a process abort ends the run with a
/// non-zero exit code and no summary line. Public API only, so the same file runs against older commits.
/// <code>
/// dotnet run -c Release --project benchmarks/LstmMlNet.Benchmarks -- --scalar-soak [fits per estimator = 200] [estimators = all] [pressure = on]
/// </code>
/// Estimators (small, so that 200 Fits of each take minutes; each Fit still runs thousands of native calls): tokens
/// (bidirectional LSTM with subwords, 32 units, on 200 yelp/imdb sentences, 2 epochs), gru-attention (multiclass GRU with
/// attention pooling on 200 AG News rows, 2 epochs), minilm (binary over MiniLM frames, 24 sentences, 1 epoch), frames (regression on numeric
/// frames, 200 rows, 2 epochs), series (forecaster, 1,200 hourly bike rentals, 2 epochs of 256 windows), panel
/// (forecaster over 6 M4 hourly series, 2 epochs of 256 windows). Data from ../shared/data (LSTMMLNET_DATA overrides).
/// </summary>
internal static class ScalarSoak
{
    private sealed class TextRow
    {
        public string Text { get; set; } = "";
        public bool Label { get; set; }
    }

    private sealed class NewsRow
    {
        public string Text { get; set; } = "";
        public string Label { get; set; } = "";
    }

    private sealed class FrameRow
    {
        [VectorType]
        public float[] Frames { get; set; } = Array.Empty<float>();
        public float Label { get; set; }
    }

    private sealed class PointRow
    {
        public float Value { get; set; }
        public string Series { get; set; } = "";
    }

    public static int Run(string[] args)
    {
        int fits = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
        string only = args.Length > 1 ? args[1] : "all";
        bool pressure = args.Length <= 2 || args[2] != "off";
        string data = Environment.GetEnvironmentVariable("LSTMMLNET_DATA") ?? FindData();
        var estimators = Estimators(data).Where(e => only == "all" || only.Split(',').Contains(e.Name)).ToArray();
        Console.WriteLine($"scalar soak: {fits} fits x [{string.Join(", ", estimators.Select(e => e.Name))}], allocation pressure {(pressure ? "on" : "off")}, pid {Environment.ProcessId}");

        using var stop = new CancellationTokenSource();
        var pressureThread = new Thread(() => Pressure(stop.Token)) { IsBackground = true, Name = "gc-pressure" };
        if (pressure) pressureThread.Start();
        var clock = Stopwatch.StartNew();
        var failures = new Dictionary<string, int>();
        var times = estimators.ToDictionary(e => e.Name, _ => 0.0);
        for (int i = 0; i < fits; i++)
        {
            foreach (var (name, fit) in estimators)
            {
                var one = Stopwatch.StartNew();
                try
                {
                    fit(i + 1);
                }
                catch (Exception e)
                {
                    failures[name] = failures.GetValueOrDefault(name) + 1;
                    Console.WriteLine($"  {name} fit {i + 1}: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
                }
                times[name] += one.Elapsed.TotalSeconds;
            }
            if ((i + 1) % 10 == 0 || i == 0)
                Console.WriteLine($"  round {i + 1}/{fits} at {clock.Elapsed.TotalSeconds:F0} s; collections gen2 {GC.CollectionCount(2)}");
        }
        stop.Cancel();
        if (pressure) pressureThread.Join();
        Console.WriteLine($"scalar soak done: {fits} fits per estimator, {fits * estimators.Length} in all, {clock.Elapsed.TotalMinutes:F1} min, " +
            $"{failures.Values.Sum()} managed exceptions, 0 aborts; gen2 collections {GC.CollectionCount(2)}");
        foreach (var (name, seconds) in times) Console.WriteLine($"  {name,-14} {seconds / fits:F2} s per fit, exceptions {failures.GetValueOrDefault(name)}");
        return failures.Count == 0 ? 0 : 1;
    }

    /// <summary>Allocates arrays of 64 KB to 4 MB (large-object heap included) and forces a collection every 1–4 ms:
    /// a young-generation one (what frees a just-made temporary) with a full one every 64th time.</summary>
    private static void Pressure(CancellationToken stop)
    {
        var random = new Random(7);
        var keep = new byte[8][];
        for (long n = 1; !stop.IsCancellationRequested; n++)
        {
            keep[random.Next(keep.Length)] = new byte[random.Next(64 << 10, 4 << 20)];
            GC.Collect(n % 64 == 0 ? 2 : 0, GCCollectionMode.Forced, blocking: true);
            Thread.Sleep(random.Next(1, 5));
        }
    }

    /// <summary>Releases a fitted model's ONNX sessions and model file (the trainers' models are not IDisposable).</summary>
    private static void Dispose(ITransformer model) => LstmMlNet.Onnx.ModelRelease.Release(model);

    private static string FindData()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "..", "shared", "data");
            if (Directory.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "LstmMlNet.sln"))) return Path.GetFullPath(candidate);
        }
        throw new DirectoryNotFoundException("../shared/data was not found beside the repository; set LSTMMLNET_DATA.");
    }

    private static (string Name, Action<int> Fit)[] Estimators(string data)
    {
        var ml = new MLContext(seed: 1);
        TextRow[] sentences = File.ReadLines(Path.Combine(data, "sentiment", "yelp_labelled.txt"))
            .Concat(File.ReadLines(Path.Combine(data, "sentiment", "imdb_labelled.txt")))
            .Select(l => l.Split('\t')).Where(p => p.Length == 2)
            .Select(p => new TextRow { Text = p[0], Label = p[1].Trim() == "1" }).Take(200).ToArray();
        NewsRow[] news = File.ReadLines(Path.Combine(data, "agnews", "ag_news_test.csv")).Take(200)
            .Select(l => l.Split("\",\"")).Select(p => new NewsRow { Label = p[0].Trim('"'), Text = p[1] + " " + p[2].Trim('"') }).ToArray();
        var random = new Random(3);
        FrameRow[] frames = Enumerable.Range(0, 200).Select(_ =>
        {
            int steps = random.Next(3, 13);
            float[] f = Enumerable.Range(0, steps * 2).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            return new FrameRow { Frames = f, Label = Enumerable.Range(0, steps).Average(t => f[t * 2]) };
        }).ToArray();
        PointRow[] hourly = File.ReadLines(Path.Combine(data, "bike", "hour.csv")).Skip(1).Take(1200)
            .Select(l => new PointRow { Value = float.Parse(l.Split(',')[^1], CultureInfo.InvariantCulture), Series = "bike" }).ToArray();
        PointRow[] panel = File.ReadLines(Path.Combine(data, "m4", "Hourly-train.csv")).Skip(1).Take(6)
            .SelectMany(l =>
            {
                string[] p = l.Split(',');
                return p.Skip(1).Where(v => v.Trim('"').Length > 0).Take(700)
                    .Select(v => new PointRow { Series = p[0].Trim('"'), Value = float.Parse(v.Trim('"'), CultureInfo.InvariantCulture) });
            }).ToArray();

        IDataView sentenceView = ml.Data.LoadFromEnumerable(sentences);
        IDataView miniLmView = ml.Data.LoadFromEnumerable(sentences.Take(24).ToArray());
        IDataView newsView = ml.Data.LoadFromEnumerable(news);
        IDataView frameView = ml.Data.LoadFromEnumerable(frames);
        IDataView hourlyView = ml.Data.LoadFromEnumerable(hourly);
        IDataView panelView = ml.Data.LoadFromEnumerable(panel);

        var tokens = ml.Transforms.Text.NormalizeText("Normalized", "Text").Append(ml.Transforms.Text.TokenizeIntoWords("Tokens", "Normalized"));
        return new (string, Action<int>)[]
        {
            ("tokens", seed => Dispose(tokens.Append(ml.BinaryClassification.Trainers.Lstm(new LstmBinaryTrainer.Options
            {
                FeatureColumnName = "Tokens", Epochs = 2, Seed = seed, EmbeddingSize = 32, SubwordBuckets = 2000, Network = { HiddenSize = 32 },
            })).Fit(sentenceView))),
            ("gru-attention", seed => Dispose(ml.Transforms.Conversion.MapValueToKey("Label").Append(tokens).Append(ml.MulticlassClassification.Trainers.Lstm(new LstmMulticlassTrainer.Options
            {
                FeatureColumnName = "Tokens", Epochs = 2, Seed = seed, Pooling = PoolingKind.Attention, EmbeddingSize = 32, SubwordBuckets = 2000,
                Network = { Cell = RecurrentCellKind.Gru, HiddenSize = 32 },
            })).Fit(newsView))),
            ("minilm", seed => Dispose(ml.BinaryClassification.Trainers.Lstm(new LstmBinaryTrainer.Options
            {
                FeatureColumnName = "Text", Epochs = 1, Seed = seed, TextEncoder = PretrainedTextEncoder.MiniLM, MaxSequenceLength = 32,
            }).Fit(miniLmView))),
            ("frames", seed => Dispose(ml.Regression.Trainers.Lstm(new LstmRegressionTrainer.Options
            {
                FeatureColumnName = "Frames", FrameSize = 2, Epochs = 2, Seed = seed, Network = { HiddenSize = 32 },
            }).Fit(frameView))),
            ("series", seed => Dispose(ml.Forecasting.ForecastByLstm(new LstmForecastingOptions
            {
                InputColumnName = "Value", Horizon = 24, Epochs = 2, MinimumOptimizerSteps = 0, WindowsPerEpoch = 256, Seed = seed,
            }).Fit(hourlyView))),
            ("panel", seed => Dispose(ml.Forecasting.ForecastByLstm(new LstmForecastingOptions
            {
                InputColumnName = "Value", SeriesIdColumnName = "Series", Horizon = 48, Epochs = 2, MinimumOptimizerSteps = 0, WindowsPerEpoch = 256, Seed = seed,
            }).Fit(panelView))),
        };
    }
}
