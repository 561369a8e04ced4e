using System.Diagnostics;
using System.Globalization;
using LstmMlNet.Tests.Infrastructure;
using Microsoft.ML;
using Xunit.Abstractions;

namespace LstmMlNet.Tests.Catalog;

/// <summary>
/// The text classifiers' defaults table (issue 20: a faster default must be chosen on the whole table): for one variant
/// of the options, the binary trainer on yelp and imdb (80/20 split seeds 1–3) and the multiclass trainer on AG News
/// (split seed 1), each fitted once with the test rows as its <see cref="LstmTrainerOptions.ValidationSet"/> — no early
/// stopping, no weights restored, so training is the default Fit's, and the per-epoch history gives the test accuracy
/// and log-loss after every epoch (with a constant learning rate, epoch k of a 10-epoch Fit is the model a k-epoch Fit
/// ends with). <c>LSTMMLNET_TEXT_TABLE=h64 dotnet test tests/LstmMlNet.Tests -c Release --filter TextDefaultsTable</c> (or <c>h64:2</c> for the
/// trainers' seed 2); variants below.
/// </summary>
public sealed class TextDefaultsTable(ITestOutputHelper output)
{
    /// <summary>Changes to the current defaults (since 0.4 H 64 for the classifiers: "defaults" and "h64" are the same;
    /// "gru" is a GRU of the default size).</summary>
    private static readonly Dictionary<string, Action<LstmTrainerOptions>> Variants = new()
    {
        ["defaults"] = _ => { },
        ["h128"] = o => o.Network.HiddenSize = 128,
        ["gru128"] = o => { o.Network.Cell = RecurrentCellKind.Gru; o.Network.HiddenSize = 128; },
        ["h64"] = o => o.Network.HiddenSize = 64,
        ["h96"] = o => o.Network.HiddenSize = 96,
        ["e64"] = o => o.EmbeddingSize = 64,
        ["h64e64"] = o => { o.Network.HiddenSize = 64; o.EmbeddingSize = 64; },
        ["uni"] = o => o.Network.Bidirectional = false,
        ["gru"] = o => o.Network.Cell = RecurrentCellKind.Gru,
        ["gru64"] = o => { o.Network.Cell = RecurrentCellKind.Gru; o.Network.HiddenSize = 64; },
        ["b64"] = o => { o.BatchSize = 64; },
        ["b64lr3"] = o => { o.BatchSize = 64; o.LearningRate = 3e-3; },
    };

    [MeasurementFact("LSTMMLNET_TEXT_TABLE", "the text defaults table for one variant (defaults, h128, gru128, h64, h96, e64, h64e64, uni, gru, gru64, b64, b64lr3; :seed)")]
    public void One()
    {
        // "name" or "name:seed" (the trainers' seed; default 1).
        string[] parts = Environment.GetEnvironmentVariable("LSTMMLNET_TEXT_TABLE")!.Split(':');
        string name = parts[0];
        int seed = parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 1;
        const int epochs = 10;
        var curves = new Dictionary<string, List<double[]>>();
        var fitSeconds = new Dictionary<string, double>();
        // The default Fit for the variant and seed, validated on the test rows after every epoch (no early stopping).
        T Configure<T>(T options, IDataView test) where T : LstmClassifierOptions
        {
            (options.Epochs, options.ValidationSet, options.EarlyStoppingPatience, options.RestoreBestWeights) = (epochs, test, 0, false);
            options.Seed = seed;
            Variants[name](options);
            return options;
        }
        void Measure(string set, int splitSeed, Func<IReadOnlyList<TrainingProgress>> fit)
        {
            var clock = Stopwatch.StartNew();
            IReadOnlyList<TrainingProgress> history = fit();
            Record(set, splitSeed, history, clock.Elapsed.TotalSeconds, curves, fitSeconds);
        }

        foreach (string file in new[] { "yelp_labelled.txt", "imdb_labelled.txt" })
        {
            foreach (int splitSeed in new[] { 1, 2, 3 })
            {
                var ml = new MLContext(seed: 1);
                IDataView all = ml.Data.LoadFromTextFile<SentimentRow>(SharedData.Path("sentiment", file), separatorChar: '\t', hasHeader: false, allowQuoting: false);
                var split = ml.Data.TrainTestSplit(all, testFraction: 0.2, seed: splitSeed);
                var text = TrainerModelTests.TextPipeline(ml).Fit(split.TrainSet);
                var trainer = ml.BinaryClassification.Trainers.Lstm(Configure(new LstmBinaryTrainer.Options(), text.Transform(split.TestSet)));
                Measure(file[..4], splitSeed, () => { trainer.Fit(text.Transform(split.TrainSet)); return trainer.LastFitReport!.History; });
            }
        }
        {
            var ml = new MLContext(seed: 1);
            var split = ml.Data.TrainTestSplit(MulticlassTrainerTests.LoadNews(ml), testFraction: 0.2, seed: 1);
            var text = MulticlassTrainerTests.Featurize(ml).Fit(split.TrainSet);
            var trainer = ml.MulticlassClassification.Trainers.Lstm(Configure(new LstmMulticlassTrainer.Options(), text.Transform(split.TestSet)));
            Measure("agnews", 1, () => { trainer.Fit(text.Transform(split.TrainSet)); return trainer.LastFitReport!.History; });
        }
        output.WriteLine($"variant {name}, seed {seed}: test accuracy (mean over splits) / test log-loss after each epoch");
        foreach (var (set, runs) in curves)
        {
            var line = new List<string>();
            for (int e = 0; e < epochs; e++)
                line.Add(FormattableString.Invariant($"{e + 1}: {runs.Average(r => r[2 * e]):F4}/{runs.Average(r => r[2 * e + 1]):F3}"));
            output.WriteLine($"{set} ({runs.Count} splits, fit {fitSeconds[set] / runs.Count:F1} s each): {string.Join("  ", line)}");
        }
        // Every Fit ran its epochs and was validated after each (a Fit that stopped early or skipped validation would not).
        Assert.Equal(7, curves.Values.Sum(runs => runs.Count));
        Assert.All(curves.Values.SelectMany(runs => runs), values => Assert.Equal(2 * epochs, values.Length));
    }

    private void Record(string set, int splitSeed, IReadOnlyList<TrainingProgress> history, double seconds, Dictionary<string, List<double[]>> curves, Dictionary<string, double> fitSeconds)
    {
        var values = new double[2 * history.Count]; // accuracy, log-loss per epoch
        for (int e = 0; e < history.Count; e++)
        {
            values[2 * e] = history[e].ValidationMetric!.Value;
            values[2 * e + 1] = history[e].ValidationLoss!.Value;
        }
        if (!curves.TryGetValue(set, out var runs)) curves[set] = runs = [];
        runs.Add(values);
        fitSeconds[set] = fitSeconds.GetValueOrDefault(set) + seconds;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{set} split {splitSeed}: fit {seconds:F1} s; last epoch accuracy {values[^2]:F4} log-loss {values[^1]:F4}"));
    }
}
