using System.Diagnostics;
using System.Globalization;
using LstmMlNet.Catalog;
using LstmMlNet.Tests.Catalog;
using LstmMlNet.Tests.Infrastructure;
using LstmMlNet.Text.MiniLM;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit.Abstractions;

namespace LstmMlNet.Tests.Text;

/// <summary>
/// docs/text.md's table for <c>TextEncoder = MiniLM</c> (minutes; off unless LSTMMLNET_MINILM_TABLE names a set:
/// <c>LSTMMLNET_MINILM_TABLE=yelp|imdb|agnews dotnet test tests/LstmMlNet.Tests -c Release --filter PretrainedEncoderTable</c>).
/// Each split, in one run: FeaturizeText + SDCA, mean-pooled MiniLM vectors (L2-normalised, as sentence-transformers
/// pools all-MiniLM-L6-v2) + SDCA and + L-BFGS, and the recurrent classifier on MiniLM frames with its defaults
/// (bidirectional LSTM H 128, max pooling, 10 epochs, 256 WordPiece ids), seed 1, 80/20 splits.
/// </summary>
public sealed class PretrainedEncoderTable(ITestOutputHelper output)
{
    [MeasurementFact("LSTMMLNET_MINILM_TABLE", "the MiniLM table (yelp, imdb or agnews)")]
    public void Run()
    {
        string set = Environment.GetEnvironmentVariable("LSTMMLNET_MINILM_TABLE")!;
        int[] splits = set == "agnews" ? new[] { 1 } : new[] { 1, 2, 3 };
        foreach (int split in splits)
        {
            var ml = new MLContext(seed: 1);
            IDataView all = set switch
            {
                "yelp" => ml.Data.LoadFromTextFile<SentimentRow>(SharedData.Path("sentiment", "yelp_labelled.txt"), separatorChar: '\t', hasHeader: false, allowQuoting: false),
                "imdb" => ml.Data.LoadFromTextFile<SentimentRow>(SharedData.Path("sentiment", "imdb_labelled.txt"), separatorChar: '\t', hasHeader: false, allowQuoting: false),
                "agnews" => PretrainedEncoderTrainerTests.News(ml, 7600, 1),
                _ => throw new ArgumentException($"LSTMMLNET_MINILM_TABLE={set}: expected yelp, imdb or agnews"),
            };
            var parts = ml.Data.TrainTestSplit(all, testFraction: 0.2, seed: split);
            if (set == "agnews") RunMulticlass(ml, parts.TrainSet, parts.TestSet, split);
            else RunBinary(ml, set, parts.TrainSet, parts.TestSet, split);
        }
    }

    private void RunBinary(MLContext ml, string set, IDataView train, IDataView test, int split)
    {
        var clock = Stopwatch.StartNew();
        ITransformer sdca = ml.Transforms.Text.FeaturizeText("Features", "Text").Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression()).Fit(train);
        double sdcaFit = clock.Elapsed.TotalSeconds;
        var sdcaMetrics = ml.BinaryClassification.Evaluate(sdca.Transform(test));
        Report($"{set} split {split}: FeaturizeText + SDCA", sdcaMetrics.Accuracy, sdcaMetrics.LogLoss, sdcaFit, ml, sdca, train, binary: true);

        var (pooledTrain, pooledTest, encodeSeconds) = Pooled(ml, train, test);
        foreach (var (name, trainer) in new (string, IEstimator<ITransformer>)[]
        {
            ("mean-pooled MiniLM + SDCA", ml.BinaryClassification.Trainers.SdcaLogisticRegression()),
            ("mean-pooled MiniLM + L-BFGS", ml.BinaryClassification.Trainers.LbfgsLogisticRegression()),
        })
        {
            clock.Restart();
            ITransformer model = trainer.Fit(pooledTrain);
            var m = ml.BinaryClassification.Evaluate(model.Transform(pooledTest));
            output.WriteLine(FormattableString.Invariant($"{set} split {split}: {name}: accuracy {m.Accuracy:F4} log-loss {m.LogLoss:F4} (fit {clock.Elapsed.TotalSeconds:F1} s after encoding {encodeSeconds:F1} s)"));
        }

        clock.Restart();
        var options = new LstmBinaryTrainer.Options { Seed = 1, TextEncoder = PretrainedTextEncoder.MiniLM, FeatureColumnName = "Text" };
        Variant(options);
        ITransformer lstm = ml.BinaryClassification.Trainers.Lstm(options).Fit(train);
        double lstmFit = clock.Elapsed.TotalSeconds;
        var metrics = ml.BinaryClassification.Evaluate(lstm.Transform(test));
        Report($"{set} split {split}: MiniLM frames + BiLSTM", metrics.Accuracy, metrics.LogLoss, lstmFit, ml, lstm, train, binary: true);
    }

    private void RunMulticlass(MLContext ml, IDataView train, IDataView test, int split)
    {
        var key = ml.Transforms.Conversion.MapValueToKey("Label", "Class");
        var clock = Stopwatch.StartNew();
        ITransformer sdca = key.Append(ml.Transforms.Text.FeaturizeText("Features", "Text")).Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()).Fit(train);
        double sdcaFit = clock.Elapsed.TotalSeconds;
        var sdcaMetrics = ml.MulticlassClassification.Evaluate(sdca.Transform(test));
        Report($"agnews split {split}: FeaturizeText + SDCA", sdcaMetrics.MacroAccuracy, sdcaMetrics.LogLoss, sdcaFit, ml, sdca, train, binary: false);

        ITransformer keys = key.Fit(train);
        var (pooledTrain, pooledTest, encodeSeconds) = Pooled(ml, keys.Transform(train), keys.Transform(test));
        foreach (var (name, trainer) in new (string, IEstimator<ITransformer>)[]
        {
            ("mean-pooled MiniLM + SDCA", ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()),
            ("mean-pooled MiniLM + L-BFGS", ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy()),
        })
        {
            clock.Restart();
            ITransformer model = trainer.Fit(pooledTrain);
            var m = ml.MulticlassClassification.Evaluate(model.Transform(pooledTest));
            output.WriteLine(FormattableString.Invariant($"agnews split {split}: {name}: macro-accuracy {m.MacroAccuracy:F4} log-loss {m.LogLoss:F4} (fit {clock.Elapsed.TotalSeconds:F1} s after encoding {encodeSeconds:F1} s)"));
        }

        clock.Restart();
        var options = new LstmMulticlassTrainer.Options { Seed = 1, TextEncoder = PretrainedTextEncoder.MiniLM, FeatureColumnName = "Text" };
        Variant(options);
        ITransformer lstm = key.Append(ml.MulticlassClassification.Trainers.Lstm(options)).Fit(train);
        double lstmFit = clock.Elapsed.TotalSeconds;
        var metrics = ml.MulticlassClassification.Evaluate(lstm.Transform(test));
        Report($"agnews split {split}: MiniLM frames + BiLSTM", metrics.MacroAccuracy, metrics.LogLoss, lstmFit, ml, lstm, train, binary: false);
    }

    /// <summary>LSTMMLNET_MINILM_VARIANT: a comma-separated list of changes to the defaults (pooling=Mean, hidden=64,
    /// epochs=20, lr=0.001, bag=false, cell=Gru), for docs/text.md's notes on what else was tried.</summary>
    private void Variant(LstmClassifierOptions options)
    {
        string? variant = Environment.GetEnvironmentVariable("LSTMMLNET_MINILM_VARIANT");
        if (string.IsNullOrEmpty(variant)) return;
        foreach (string change in variant.Split(','))
        {
            string[] kv = change.Split('=');
            switch (kv[0])
            {
                case "pooling": options.Pooling = Enum.Parse<LstmMlNet.PoolingKind>(kv[1]); break;
                case "cell": options.Network.Cell = Enum.Parse<LstmMlNet.RecurrentCellKind>(kv[1]); break;
                case "hidden": options.Network.HiddenSize = int.Parse(kv[1], CultureInfo.InvariantCulture); break;
                case "epochs": options.Epochs = int.Parse(kv[1], CultureInfo.InvariantCulture); break;
                case "lr": options.LearningRate = double.Parse(kv[1], CultureInfo.InvariantCulture); break;
                case "bag": options.BagOfEmbeddings = bool.Parse(kv[1]); break;
                case "inputdropout": options.InputDropout = double.Parse(kv[1], CultureInfo.InvariantCulture); break;
                case "headdropout": options.HeadDropout = double.Parse(kv[1], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown variant '{change}'.");
            }
        }
        output.WriteLine($"variant {variant}");
    }

    /// <summary>Mean-pooled, L2-normalised MiniLM vectors of both sets (the word table from the training rows, 256 ids),
    /// as a Features column beside the label; and the seconds the encoding took.</summary>
    private static (IDataView Train, IDataView Test, double Seconds) Pooled(MLContext ml, IDataView train, IDataView test)
    {
        var clock = Stopwatch.StartNew();
        using var text = PretrainedTextFeatures.Fit(ml, train, "Text", 256, null);
        IDataView Encode(IDataView data)
        {
            List<float[]> frames = text.Encode(data, null);
            bool binary = data.Schema["Label"].Type is BooleanDataViewType;
            var rows = new List<PooledRow>();
            if (binary)
            {
                bool[] labels = data.GetColumn<bool>("Label").ToArray();
                for (int i = 0; i < frames.Count; i++) rows.Add(new PooledRow { BoolLabel = labels[i], Features = Mean(frames[i]) });
                return ml.Data.LoadFromEnumerable(rows, SchemaDefinition.Create(typeof(PooledRow)).Also(s => { s.Remove(s[nameof(PooledRow.KeyLabel)]); s[nameof(PooledRow.BoolLabel)].ColumnName = "Label"; }));
            }
            uint[] keys = data.GetColumn<uint>("Label").ToArray();
            for (int i = 0; i < frames.Count; i++) rows.Add(new PooledRow { KeyLabel = keys[i], Features = Mean(frames[i]) });
            var schema = SchemaDefinition.Create(typeof(PooledRow));
            schema.Remove(schema[nameof(PooledRow.BoolLabel)]);
            schema[nameof(PooledRow.KeyLabel)].ColumnName = "Label";
            schema["Label"].ColumnType = new KeyDataViewType(typeof(uint), 4);
            return ml.Data.LoadFromEnumerable(rows, schema);
        }
        IDataView a = Encode(train), b = Encode(test);
        return (ml.Data.Cache(a), ml.Data.Cache(b), clock.Elapsed.TotalSeconds);
    }

    internal static float[] Mean(float[] frames)
    {
        int d = MiniLmResources.Dimensions, steps = frames.Length / d;
        var mean = new float[d];
        for (int t = 0; t < steps; t++)
            for (int j = 0; j < d; j++) mean[j] += frames[t * d + j] / steps;
        double norm = Math.Sqrt(mean.Sum(v => (double)v * v));
        for (int j = 0; j < d; j++) mean[j] = (float)(mean[j] / Math.Max(norm, 1e-12));
        return mean;
    }

    private void Report(string name, double accuracy, double logLoss, double fitSeconds, MLContext ml, ITransformer model, IDataView train, bool binary)
    {
        string path = Path.Combine(Path.GetTempPath(), $"lstmmlnet-table-{Environment.ProcessId}.zip");
        ml.Model.Save(model, train.Schema, path);
        long bytes = new FileInfo(path).Length;
        ITransformer loaded = ml.Model.Load(path, out _);
        using var releaseLoaded = Released.After(loaded);
        File.Delete(path);
        double latency;
        var row = new TextInput { Text = "The service was slow but the food was worth the wait." };
        if (binary)
        {
            var engine = ml.Model.CreatePredictionEngine<TextInput, BinaryOutput>(loaded, new PredictionEngineOptions { OwnsTransformer = false });
            latency = Time(() => engine.Predict(row));
        }
        else
        {
            var engine = ml.Model.CreatePredictionEngine<NewsInput, MulticlassOutput>(loaded, new PredictionEngineOptions { OwnsTransformer = false });
            var news = new NewsInput { Text = row.Text };
            latency = Time(() => engine.Predict(news));
        }
        output.WriteLine(FormattableString.Invariant(
            $"{name}: {(binary ? "accuracy" : "macro-accuracy")} {accuracy:F4} log-loss {logLoss:F4}; fit {fitSeconds:F1} s; one-row latency {latency:F2} ms; model {bytes / 1e6:F2} MB"));
    }

    private static double Time(Action predict)
    {
        for (int i = 0; i < 5; i++) predict();
        var clock = Stopwatch.StartNew();
        const int n = 100;
        for (int i = 0; i < n; i++) predict();
        return clock.Elapsed.TotalMilliseconds / n;
    }

    private sealed class PooledRow
    {
        public bool BoolLabel { get; set; }

        public uint KeyLabel { get; set; }

        [VectorType(384)]
        public float[] Features { get; set; } = [];
    }

    private sealed class NewsInput
    {
        public string Class { get; set; } = "1";

        public string Text { get; set; } = "";
    }

    private sealed class MulticlassOutput
    {
        public float[] Score { get; set; } = [];
    }
}

internal static class SchemaDefinitionExtensions
{
    public static SchemaDefinition Also(this SchemaDefinition schema, Action<SchemaDefinition> change)
    {
        change(schema);
        return schema;
    }
}
