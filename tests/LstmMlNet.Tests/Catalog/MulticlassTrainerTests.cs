using LstmMlNet.Catalog;
using LstmMlNet.Tests.Infrastructure;
using Microsoft.ML;
using Xunit.Abstractions;

namespace LstmMlNet.Tests.Catalog;

public sealed class MulticlassTrainerTests(ITestOutputHelper output)
{
    internal static IDataView LoadNews(MLContext ml) =>
        ml.Data.LoadFromTextFile<NewsRow>(SharedData.Path("agnews", "ag_news_test.csv"), separatorChar: ',', hasHeader: false, allowQuoting: true);

    /// <summary>Title and description → normalised word tokens; class → key label.</summary>
    internal static IEstimator<ITransformer> Featurize(MLContext ml) =>
        ml.Transforms.Conversion.MapValueToKey("Label", "Class")
            .Append(ml.Transforms.Concatenate("Text", "Title", "Description"))
            .Append(ml.Transforms.Text.NormalizeText("Normalized", "Text", keepPunctuations: false))
            .Append(ml.Transforms.Text.TokenizeIntoWords("Tokens", "Normalized"));

    /// <summary>Measured (seed 1, defaults since 0.4: H 64, subwords, the bag of embeddings, no validation hold-out,
    /// label smoothing 0.1 and lazy Adam on the embedding tables): LSTM macro-accuracy 0.8474, micro 0.8505, log-loss
    /// 0.4638; SDCA 0.8552, 0.8570, 0.4439 — within a point on 6,075 training rows (the published 86% LSTM figure trained
    /// on 120,000). H 128 (before 0.4) on the same split and seed: micro 0.8452, log-loss 0.452 today (0.8525 at an
    /// earlier commit). Without label smoothing (H 128, earlier) log-loss 0.6039 (over-confident); with the former 10%
    /// hold-out and early stopping 0.8356; without subwords and the bag as well 0.7876. The gap asserted is the issue's
    /// 3 points, the log-loss within 0.1 of SDCA's; the floor is the measurement with margin.</summary>
    [Fact]
    public void Ag_news_lstm_approaches_sdca_maximum_entropy_on_the_same_split()
    {
        var ml = new MLContext(seed: 1);
        var split = ml.Data.TrainTestSplit(LoadNews(ml), testFraction: 0.2, seed: 1);

        var sdca = ml.Transforms.Conversion.MapValueToKey("Label", "Class")
            .Append(ml.Transforms.Text.FeaturizeText("Features", new Microsoft.ML.Transforms.Text.TextFeaturizingEstimator.Options(), "Title", "Description"))
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy())
            .Fit(split.TrainSet);
        var sdcaMetrics = ml.MulticlassClassification.Evaluate(sdca.Transform(split.TestSet));

        var trainer = ml.MulticlassClassification.Trainers.Lstm(new LstmMulticlassTrainer.Options { Seed = 1 });
        ITransformer model = Featurize(ml).Append(trainer).Fit(split.TrainSet);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet));
        output.WriteLine($"AG News 7,600 test rows, 80/20 seed 1: LSTM macro {metrics.MacroAccuracy:F4} micro {metrics.MicroAccuracy:F4} log-loss {metrics.LogLoss:F4}; " +
            $"SDCA macro {sdcaMetrics.MacroAccuracy:F4} micro {sdcaMetrics.MicroAccuracy:F4} log-loss {sdcaMetrics.LogLoss:F4}");
        foreach (var p in trainer.LastFitReport!.History) output.WriteLine(p.ToString());

        Assert.True(metrics.MacroAccuracy >= 0.83, $"LSTM macro-accuracy {metrics.MacroAccuracy:F4} below the floor 0.83");
        Assert.True(metrics.MacroAccuracy >= sdcaMetrics.MacroAccuracy - 0.03, $"LSTM macro-accuracy {metrics.MacroAccuracy:F4} vs SDCA {sdcaMetrics.MacroAccuracy:F4}");
        Assert.True(metrics.LogLoss <= sdcaMetrics.LogLoss + 0.1, $"LSTM log-loss {metrics.LogLoss:F4} vs SDCA {sdcaMetrics.LogLoss:F4}");
        Assert.Equal(4, metrics.ConfusionMatrix.NumberOfClasses);
    }
}
