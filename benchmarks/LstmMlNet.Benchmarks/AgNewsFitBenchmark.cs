using BenchmarkDotNet.Attributes;
using LstmMlNet.Catalog;
using Microsoft.ML;

namespace LstmMlNet.Benchmarks;

/// <summary>
/// A whole text-classifier Fit on AG News with the defaults — the 80/20 split (seed 1) of the 7,600 rows that the accuracy
/// test uses, 6,075 training rows, 226,669 tokens per epoch, 10 epochs and 5 weight-averaging epochs — against ML.NET's FeaturizeText +
/// SdcaMaximumEntropy fitted on the same rows in the same run. Both Fits start from the same loaded IDataView of the
/// CSV (title, description, class) and include their featurizers; neither is cached between iterations.
/// </summary>
[Config(typeof(MinuteFitRunConfig))]
public class AgNewsFitBenchmark
{
    private MLContext ml = null!;
    private IDataView train = null!;

    [GlobalSetup]
    public void Setup()
    {
        ml = new MLContext(seed: 1);
        IDataView all = ml.Data.LoadFromTextFile<NewsRow>(Path.Combine(FitPhaseProfile.SharedDataPath(), "agnews", "ag_news_test.csv"),
            separatorChar: ',', hasHeader: false, allowQuoting: true);
        train = ml.Data.TrainTestSplit(all, testFraction: 0.2, seed: 1).TrainSet;
    }

    [Benchmark(Baseline = true, Description = "FeaturizeText + SdcaMaximumEntropy Fit")]
    public ITransformer Sdca() =>
        ml.Transforms.Conversion.MapValueToKey("Label", "Class")
            .Append(ml.Transforms.Text.FeaturizeText("Features", new Microsoft.ML.Transforms.Text.TextFeaturizingEstimator.Options(), "Title", "Description"))
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy())
            .Fit(train);

    [Benchmark(Description = "LstmMlNet multiclass Fit, defaults (H 64, 10 + 5 averaged epochs)")]
    public ITransformer Lstm() => LstmFit(new LstmMulticlassTrainer.Options { Seed = 1 });

    /// <summary>The defaults before weight averaging: 10 epochs (<see cref="LstmTrainerOptions.WeightAveragingEpochs"/> 0).</summary>
    [Benchmark(Description = "LstmMlNet multiclass Fit, no weight averaging (10 epochs, the defaults before)")]
    public ITransformer LstmNoAveraging() => LstmFit(new LstmMulticlassTrainer.Options { Seed = 1, WeightAveragingEpochs = 0 });

    private ITransformer LstmFit(LstmMulticlassTrainer.Options options) =>
        ml.Transforms.Conversion.MapValueToKey("Label", "Class")
            .Append(ml.Transforms.Concatenate("Text", "Title", "Description"))
            .Append(ml.Transforms.Text.NormalizeText("Normalized", "Text", keepPunctuations: false))
            .Append(ml.Transforms.Text.TokenizeIntoWords("Tokens", "Normalized"))
            .Append(ml.MulticlassClassification.Trainers.Lstm(options))
            .Fit(train);
}
