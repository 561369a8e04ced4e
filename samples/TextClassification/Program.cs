using LstmMlNet;
using Microsoft.ML;
using Microsoft.ML.Data;

// Sentiment of restaurant reviews (UCI yelp_labelled.txt) with a bidirectional LSTM inside an ML.NET pipeline,
// compared with ML.NET's FeaturizeText + SdcaLogisticRegression on the same split, saved, reloaded and used.
// Usage: dotnet run -c Release --project samples/TextClassification [-- <path to yelp_labelled.txt>]
string dataPath = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "data", "sentiment", "yelp_labelled.txt");
var ml = new MLContext(seed: 1);
ml.Log += (_, e) =>
{
    if (e.Source.StartsWith(nameof(LstmBinaryTrainer), StringComparison.Ordinal) && e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Info)
        Console.WriteLine($"  [{e.Source}] {e.RawMessage}");
};

IDataView data = ml.Data.LoadFromTextFile<Review>(dataPath, separatorChar: '\t', hasHeader: false, allowQuoting: false);
DataOperationsCatalog.TrainTestData split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1);
Console.WriteLine($"Data: {dataPath} (80/20 split, seed 1)");

// The recurrent pipeline: ML.NET's own text featurizers, then the LSTM trainer on the word tokens.
var pipeline = ml.Transforms.Text.NormalizeText("Normalized", nameof(Review.Text), keepPunctuations: false)
    .Append(ml.Transforms.Text.TokenizeIntoWords("Tokens", "Normalized"))
    .Append(ml.BinaryClassification.Trainers.Lstm(new LstmBinaryTrainer.Options { Seed = 1 }));
Console.WriteLine("Training the bidirectional LSTM (one line per epoch):");
var watch = System.Diagnostics.Stopwatch.StartNew();
ITransformer model = pipeline.Fit(split.TrainSet);
Console.WriteLine($"  trained in {watch.Elapsed.TotalSeconds:F1} s");
CalibratedBinaryClassificationMetrics lstm = ml.BinaryClassification.Evaluate(model.Transform(split.TestSet));

// ML.NET's baseline on the same split.
var baseline = ml.Transforms.Text.FeaturizeText("Features", nameof(Review.Text))
    .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression())
    .Fit(split.TrainSet);
CalibratedBinaryClassificationMetrics sdca = ml.BinaryClassification.Evaluate(baseline.Transform(split.TestSet));

Console.WriteLine();
Console.WriteLine($"Test set ({split.TestSet.GetRowCount() ?? split.TestSet.GetColumn<bool>(nameof(Review.Label)).Count()} rows)            accuracy   AUC      F1       log-loss");
Console.WriteLine($"  BiLSTM (LstmMlNet)           {lstm.Accuracy,8:P2} {lstm.AreaUnderRocCurve,8:F4} {lstm.F1Score,8:F4} {lstm.LogLoss,8:F4}");
Console.WriteLine($"  FeaturizeText + SDCA (ML.NET){sdca.Accuracy,8:P2} {sdca.AreaUnderRocCurve,8:F4} {sdca.F1Score,8:F4} {sdca.LogLoss,8:F4}");

// Save with ML.NET, load in a fresh context (no LstmMlNet or TorchSharp is needed for this part), predict.
string modelPath = Path.Combine(Path.GetTempPath(), "lstmmlnet-sentiment.zip");
ml.Model.Save(model, data.Schema, modelPath);
var app = new MLContext();
ITransformer loaded = app.Model.Load(modelPath, out _);
var engine = app.Model.CreatePredictionEngine<Review, Prediction>(loaded);
Console.WriteLine();
Console.WriteLine($"Saved to {modelPath} ({new FileInfo(modelPath).Length / 1024} KiB), reloaded in a fresh MLContext:");
foreach (string sentence in new[]
{
    "The food was delicious and the staff were lovely.",
    "Worst service I have ever had, we waited an hour.",
    "Not bad at all, I would come back.",
    "The pasta was cold and bland.",
})
{
    Prediction p = engine.Predict(new Review { Text = sentence });
    Console.WriteLine($"  {(p.PredictedLabel ? "positive" : "negative"),-8} p={p.Probability:F3}  \"{sentence}\"");
}
return 0;


/// <summary>A labelled sentence: text TAB 0/1.</summary>
internal sealed class Review
{
    [LoadColumn(0)]
    public string Text { get; set; } = "";

    [LoadColumn(1)]
    public bool Label { get; set; }
}

/// <summary>The binary classifier's outputs.</summary>
internal sealed class Prediction
{
    public bool PredictedLabel { get; set; }

    public float Probability { get; set; }

    public float Score { get; set; }
}
