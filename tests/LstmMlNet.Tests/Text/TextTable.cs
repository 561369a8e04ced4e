using System.Diagnostics;
using System.Globalization;
using System.Text;
using LstmMlNet.Catalog;
using LstmMlNet.Tests.Infrastructure;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit.Abstractions;

namespace LstmMlNet.Tests.Text;

/// <summary>
/// Issue 31's text table: every sentence set (MR, Subj, TREC, yelp, imdb, AG News) × {FeaturizeText + SDCA, the linear
/// probe (mean-pooled MiniLM + L-BFGS: what a user with the encoder package would build in ten lines), the from-scratch
/// token defaults, the MiniLM defaults}, three seeded splits each, in one run, with Fit seconds. Off unless
/// LSTMMLNET_TEXT_SETS names sets (comma-separated, or "all"); LSTMMLNET_TEXT_SETS_METHODS picks methods (sdca, probe,
/// scratch, minilm; default all; also scratch-h128, scratch-gru64, scratch-gru128: the token defaults with another cell
/// or hidden size; scratch/epochs=20+pool=mean and the like: the token defaults with options changed), LSTMMLNET_TEXT_SETS_SPLITS the splits (default 1,2,3), LSTMMLNET_TEXT_SETS_LOG a file
/// the rows are appended to. minilm-w0 is the MiniLM defaults without the probe blended in; when a run has both
/// minilm-w0 and probe, rows blend0.10 … blend0.90 give the accuracy of the two fitted models' logits mixed offline,
/// (1 − w)·minilm-w0 + w·probe, on the same test rows (how <see cref="LstmClassifierOptions.LinearProbeWeight"/>'s
/// default was chosen). Example: <c>LSTMMLNET_TEXT_SETS=mr,trec dotnet test tests/LstmMlNet.Tests -c Release --filter TextTable</c>.
/// <para>Splits: MR, Subj (no standard split; Kim 2014 used 10-fold CV): a seeded 90/10 split per seed; TREC: its own
/// 5,452/500 split, the seed is the models'; yelp, imdb: seeded 80/20; AG News: 7,600 rows drawn with seed 1, seeded 80/20.
/// The sentence files are Latin-1 and are read as such. Accuracy is the share of test rows right (TREC's figure in Kim
/// 2014); multiclass rows also give macro-accuracy.</para>
/// </summary>
public sealed class TextTable(ITestOutputHelper output)
{
    private static readonly string[] AllSets = { "mr", "subj", "trec", "yelp", "imdb", "agnews" };
    private static readonly string[] AllMethods = { "sdca", "probe", "scratch", "minilm" };

    /// <summary>A labelled sentence: Label is "0"/"1" for the binary sets, the class for the others.</summary>
    public sealed class Sentence
    {
        public string Text { get; set; } = "";
        public string Class { get; set; } = "";
    }

    [MeasurementFact("LSTMMLNET_TEXT_SETS", "the text table (sets: mr, subj, trec, yelp, imdb, agnews or all)")]
    public void Run()
    {
        string setting = Environment.GetEnvironmentVariable("LSTMMLNET_TEXT_SETS")!;
        string[] sets = setting == "all" ? AllSets : setting.Split(',', StringSplitOptions.TrimEntries);
        string[] methods = Environment.GetEnvironmentVariable("LSTMMLNET_TEXT_SETS_METHODS")?.Split(',', StringSplitOptions.TrimEntries) ?? AllMethods;
        int[] splits = (Environment.GetEnvironmentVariable("LSTMMLNET_TEXT_SETS_SPLITS") ?? "1,2,3").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var results = new List<(string Set, string Method, int Split, double Accuracy, double Seconds)>();
        foreach (string set in sets)
        {
            foreach (int split in splits)
            {
                var ml = new MLContext(seed: 1);
                // The probe's own line (rows, seconds) from a MiniLM fit's log, beside the table's rows.
                ml.Log += (_, e) => { if (e.Message.Contains("linear probe: L-BFGS", StringComparison.Ordinal)) Write("  " + e.Message); };
                var (train, test, binary) = Split(ml, set, split);
                var scores = new Dictionary<string, RowScores>();
                foreach (string method in methods)
                {
                    var clock = Stopwatch.StartNew();
                    var (accuracy, macro, rows) = Evaluate(ml, method, train, test, binary, split);
                    double seconds = clock.Elapsed.TotalSeconds;
                    scores[method] = rows;
                    results.Add((set, method, split, accuracy, seconds));
                    Write(FormattableString.Invariant($"| {set} | {split} | {method} | {accuracy:F4} | {(macro is double m ? m.ToString("F4", CultureInfo.InvariantCulture) : "")} | {seconds:F1} |"));
                }
                if (scores.TryGetValue("minilm-w0", out RowScores? head) && scores.TryGetValue("probe", out RowScores? probe))
                {
                    // Offline blends of the two fitted models' log-odds (binary) or log-probabilities (multiclass):
                    // (1 - w)·head + w·probe, for every w of the grid, on the same test rows.
                    foreach (double w in BlendWeights)
                    {
                        double accuracy = head.BlendAccuracy(probe, w);
                        string method = FormattableString.Invariant($"blend{w:F2}");
                        results.Add((set, method, split, accuracy, 0));
                        Write(FormattableString.Invariant($"| {set} | {split} | {method} | {accuracy:F4} | | |"));
                    }
                }
            }
        }
        string[] columns = results.Select(r => r.Method).Distinct().ToArray();
        Write("");
        Write("| set | " + string.Join(" | ", columns) + " |");
        Write("|---|" + string.Concat(columns.Select(_ => "---|")));
        foreach (string set in sets)
        {
            var cells = columns.Select(method =>
            {
                double[] a = results.Where(r => r.Set == set && r.Method == method).Select(r => r.Accuracy).ToArray();
                double s = results.Where(r => r.Set == set && r.Method == method).Average(r => r.Seconds);
                double mean = a.Average(), sd = a.Length > 1 ? Math.Sqrt(a.Sum(v => (v - mean) * (v - mean)) / (a.Length - 1)) : 0;
                return FormattableString.Invariant($"{100 * mean:F1} ± {100 * sd:F1} ({s:F0} s)");
            });
            Write($"| {set} | " + string.Join(" | ", cells) + " |");
        }
    }

    private static readonly double[] BlendWeights = { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9 };

    /// <summary>A fitted model's test scores: per row the log-odds (binary, K = 1) or log-probabilities [K], and the
    /// label's index (binary: 1 = true).</summary>
    private sealed record RowScores(float[][] Scores, int[] Labels)
    {
        /// <summary>Accuracy of (1 − w)·these + w·<paramref name="other"/>: the blend Fit folds in, scored as Fit
        /// scores its validation candidates (log-probabilities are logits up to a per-row constant).</summary>
        public double BlendAccuracy(RowScores other, double w) => LinearProbeBlend.Score(Scores, other.Scores, Labels, w).Accuracy;

        public static RowScores Read(IDataView scored, bool binary)
        {
            if (binary)
            {
                float[] score = scored.GetColumn<float>("Score").ToArray();
                int[] labels = scored.GetColumn<bool>("Label").Select(l => l ? 1 : 0).ToArray();
                return new RowScores(score.Select(v => new[] { v }).ToArray(), labels);
            }
            float[][] probabilities = scored.GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().Select(p => MathF.Log(Math.Max(p, 1e-30f))).ToArray()).ToArray();
            int[] keys = scored.GetColumn<uint>("Label").Select(k => (int)k - 1).ToArray();
            return new RowScores(probabilities, keys);
        }
    }

    private void Write(string line)
    {
        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("LSTMMLNET_TEXT_SETS_LOG") is { Length: > 0 } log) File.AppendAllText(log, line + Environment.NewLine);
    }

    /// <summary>A sentence file of ../shared/data/sentences: "label sentence" per line, Latin-1.</summary>
    internal static List<Sentence> Sentences(string file) =>
        File.ReadLines(SharedData.Path("sentences", file), Encoding.Latin1)
            .Where(line => line.Length > 0)
            .Select(line =>
            {
                int space = line.IndexOf(' ', StringComparison.Ordinal);
                return new Sentence { Class = line[..space], Text = line[(space + 1)..] };
            }).ToList();

    private static (IDataView Train, IDataView Test, bool Binary) Split(MLContext ml, string set, int split)
    {
        switch (set)
        {
            case "trec":
                return (ml.Data.LoadFromEnumerable(Sentences("TREC.train.all")), ml.Data.LoadFromEnumerable(Sentences("TREC.test.all")), false);
            case "mr":
            case "subj":
            {
                var all = ml.Data.LoadFromEnumerable(Sentences(set == "mr" ? "rt-polarity.all" : "subj.all"));
                var parts = ml.Data.TrainTestSplit(all, testFraction: 0.1, seed: split);
                return (parts.TrainSet, parts.TestSet, true);
            }
            case "yelp":
            case "imdb":
            {
                var rows = File.ReadLines(SharedData.Path("sentiment", $"{set}_labelled.txt"))
                    .Select(line => line.Split('\t')).Where(p => p.Length == 2)
                    .Select(p => new Sentence { Text = p[0], Class = p[1].Trim() }).ToList();
                var parts = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(rows), testFraction: 0.2, seed: split);
                return (parts.TrainSet, parts.TestSet, true);
            }
            case "agnews":
            {
                var news = ml.Data.CreateEnumerable<NewsText>(PretrainedEncoderTrainerTests.News(ml, 7600, 1), reuseRowObject: false)
                    .Select(n => new Sentence { Text = n.Text, Class = n.Class }).ToList();
                var parts = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(news), testFraction: 0.2, seed: split);
                return (parts.TrainSet, parts.TestSet, false);
            }
            default:
                throw new ArgumentException($"LSTMMLNET_TEXT_SETS: unknown set '{set}' (one of {string.Join(", ", AllSets)}, or all).");
        }
    }

    /// <summary>Test accuracy (and macro-accuracy for multiclass) of one method, fitted on <paramref name="train"/>.</summary>
    private static (double Accuracy, double? Macro, RowScores Rows) Evaluate(MLContext ml, string method, IDataView train, IDataView test, bool binary, int seed)
    {
        IEstimator<ITransformer> label = binary
            ? ml.Transforms.CustomMapping<Sentence, BoolLabel>((s, l) => l.Label = s.Class == "1", contractName: null)
            : ml.Transforms.Conversion.MapValueToKey("Label", nameof(Sentence.Class));
        ITransformer labels = label.Fit(train);
        IDataView trainL = labels.Transform(train), testL = labels.Transform(test);
        ITransformer model;
        // "scratch/key=value+key=value": the token defaults with options changed (epochs, lr, pool, hidden, cell,
        // input-dropout, head-dropout, min-count, smoothing), for trying a default on the whole table; the older names
        // scratch-h128, scratch-gru64 and scratch-gru128 are such changes.
        string variant = method switch
        {
            "scratch-h128" => "scratch/hidden=128",
            "scratch-gru64" => "scratch/cell=gru",
            "scratch-gru128" => "scratch/cell=gru+hidden=128",
            _ => method,
        };
        string family = variant.Split('/')[0];
        string[] changes = variant.Contains('/') ? variant[(family.Length + 1)..].Split('+') : Array.Empty<string>();
        switch (changes.Length > 0 ? family : method)
        {
            case "sdca":
                var featurize = ml.Transforms.Text.FeaturizeText("Features", nameof(Sentence.Text));
                model = binary
                    ? featurize.Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression()).Fit(trainL)
                    : featurize.Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()).Fit(trainL);
                break;
            case "probe":
                // The linear probe: MiniLM sentence vectors (mean-pooled, L2-normalised) + L-BFGS.
                var vectors = ml.Transforms.Text.PretrainedSentenceVectors("Features", nameof(Sentence.Text));
                model = binary
                    ? vectors.Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression()).Fit(trainL)
                    : vectors.Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy()).Fit(trainL);
                break;
            case "scratch":
                // The token defaults, with the variant's changes.
                var tokens = ml.Transforms.Text.NormalizeText("Normalized", nameof(Sentence.Text), keepPunctuations: false)
                    .Append(ml.Transforms.Text.TokenizeIntoWords("Tokens", "Normalized"));
                T Tokens<T>(T options) where T : LstmClassifierOptions
                {
                    options.FeatureColumnName = "Tokens";
                    options.Seed = seed;
                    Apply(options, changes, method);
                    return options;
                }
                model = binary
                    ? tokens.Append(ml.BinaryClassification.Trainers.Lstm(Tokens(new LstmBinaryTrainer.Options()))).Fit(trainL)
                    : tokens.Append(ml.MulticlassClassification.Trainers.Lstm(Tokens(new LstmMulticlassTrainer.Options()))).Fit(trainL);
                break;
            case "minilm":
            case "minilm-w0":
                // The MiniLM defaults; minilm-w0 without the probe blended in (LinearProbeWeight = 0).
                T Encoder<T>(T options) where T : LstmClassifierOptions
                {
                    options.FeatureColumnName = nameof(Sentence.Text);
                    options.TextEncoder = PretrainedTextEncoder.MiniLM;
                    options.Seed = seed;
                    if (method == "minilm-w0") options.LinearProbeWeight = 0;
                    Apply(options, changes, method);
                    return options;
                }
                model = binary
                    ? ml.BinaryClassification.Trainers.Lstm(Encoder(new LstmBinaryTrainer.Options())).Fit(trainL)
                    : ml.MulticlassClassification.Trainers.Lstm(Encoder(new LstmMulticlassTrainer.Options())).Fit(trainL);
                break;
            default:
                throw new ArgumentException($"LSTMMLNET_TEXT_SETS_METHODS: unknown method '{method}' (one of {string.Join(", ", AllMethods)}, minilm-w0, scratch-h128, scratch-gru64, scratch-gru128, scratch/key=value+..., minilm/key=value+...).");
        }
        using var release = Released.After(model);
        IDataView scored = model.Transform(testL);
        RowScores rows = RowScores.Read(scored, binary);
        if (binary) return (ml.BinaryClassification.Evaluate(scored).Accuracy, null, rows);
        var m = ml.MulticlassClassification.Evaluate(scored);
        return (m.MicroAccuracy, m.MacroAccuracy, rows);
    }

    /// <summary>The changes of a "scratch/…" or "minilm/…" method (key=value, joined by '+') applied to the options.</summary>
    private static void Apply(LstmClassifierOptions options, string[] changes, string method)
    {
        foreach (string change in changes)
        {
            string[] kv = change.Split('=');
            double Number() => double.Parse(kv[1], CultureInfo.InvariantCulture);
            switch (kv[0])
            {
                case "epochs": options.Epochs = (int)Number(); break;
                case "lr": options.LearningRate = Number(); break;
                case "pool": options.Pooling = Enum.Parse<PoolingKind>(kv[1], ignoreCase: true); break;
                case "cell": options.Network.Cell = Enum.Parse<RecurrentCellKind>(kv[1], ignoreCase: true); break;
                case "hidden": options.Network.HiddenSize = (int)Number(); break;
                case "input-dropout": options.InputDropout = Number(); break;
                case "head-dropout": options.HeadDropout = Number(); break;
                case "min-count": options.MinTokenCount = (int)Number(); break;
                case "smoothing": options.LabelSmoothing = Number(); break;
                case "word-dropout": options.TokenDropout = Number(); break;
                case "emb": options.EmbeddingSize = (int)Number(); break;
                case "subwords": options.SubwordBuckets = (int)Number(); break;
                case "batch": options.BatchSize = (int)Number(); break;
                case "wd": options.WeightDecay = Number(); break;
                case "schedule": options.Schedule = Enum.Parse<LearningRateSchedule>(kv[1], ignoreCase: true); break;
                case "warmup": options.WarmupEpochs = (int)Number(); break;
                case "average": options.WeightAveragingEpochs = (int)Number(); break;
                case "layers": options.Network.Layers = (int)Number(); break;
                default: throw new ArgumentException($"LSTMMLNET_TEXT_SETS_METHODS: unknown change '{change}' in '{method}'.");
            }
        }
    }

    private sealed class BoolLabel
    {
        public bool Label { get; set; }
    }
}
