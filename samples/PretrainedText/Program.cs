using System.Diagnostics;
using LstmMlNet;   // LstmBinaryTrainer.Options, PretrainedTextEncoder, PoolingKind (the .Lstm(...) entries come with Microsoft.ML)
using Microsoft.ML;
using Microsoft.ML.Data;

// Yelp sentence sentiment on the frozen all-MiniLM-L6-v2 encoder (offline: the encoder ships in the package
// LstmMlNet.Text.MiniLM, which the app references), against FeaturizeText + SdcaLogisticRegression on the same 80/20 split; then the
// model is saved, reloaded and used. The data file is the first argument, or the copy of samples/data beside the binary
// (dotnet run -c Release --project samples/PretrainedText; about 20 s on 2 cores).
string path = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "data", "sentiment", "yelp_labelled.txt");
var ml = new MLContext(seed: 1);
IDataView data = ml.Data.LoadFromTextFile<Review>(path, separatorChar: '\t', allowQuoting: false);
var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1);

var baseline = ml.Transforms.Text.FeaturizeText("Features", "Text").Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression()).Fit(split.TrainSet);
var baselineMetrics = ml.BinaryClassification.Evaluate(baseline.Transform(split.TestSet));
Console.WriteLine($"FeaturizeText + SdcaLogisticRegression: accuracy {baselineMetrics.Accuracy:P2}, log-loss {baselineMetrics.LogLoss:F3}");

// The raw text column goes straight to the trainer: WordPiece tokenisation and the encoder are part of the model.
var trainer = ml.BinaryClassification.Trainers.Lstm(new LstmBinaryTrainer.Options
{
    TextEncoder = PretrainedTextEncoder.MiniLM,
    FeatureColumnName = "Text",
    Pooling = PoolingKind.Attention,
});
var clock = Stopwatch.StartNew();
ITransformer model = trainer.Fit(split.TrainSet);   // encodes every row once (progress in ml.Log), then trains the LSTM
Console.WriteLine($"MiniLM + BiLSTM fitted in {clock.Elapsed.TotalSeconds:F1} s");
var metrics = ml.BinaryClassification.Evaluate(model.Transform(split.TestSet));
Console.WriteLine($"MiniLM + BiLSTM: accuracy {metrics.Accuracy:P2}, AUC {metrics.AreaUnderRocCurve:F3}, log-loss {metrics.LogLoss:F3}");

ml.Model.Save(model, data.Schema, "minilm-sentiment.zip");   // about 85 MB: the encoder is inside
Console.WriteLine($"Saved minilm-sentiment.zip, {new FileInfo("minilm-sentiment.zip").Length / 1e6:F1} MB");

// What a scoring app does: Microsoft.ML + Microsoft.ML.OnnxTransformer + Microsoft.ML.OnnxRuntime, no TorchSharp.
var scoring = new MLContext();
ITransformer loaded = scoring.Model.Load("minilm-sentiment.zip", out _);
var engine = scoring.Model.CreatePredictionEngine<Review, Sentiment>(loaded, new PredictionEngineOptions { OwnsTransformer = false });
foreach (string text in new[] { "The staff were friendly and the food came quickly.", "Way overpriced for what you get.", "Not bad at all!" })
{
    Sentiment answer = engine.Predict(new Review { Text = text });
    Console.WriteLine($"{text,-55} positive: {answer.PredictedLabel} (probability {answer.Probability:F3})");
}

/// <summary>A line of yelp_labelled.txt: the sentence, a tab, 1 (positive) or 0.</summary>
public sealed class Review
{
    [LoadColumn(0)] public string Text { get; set; } = "";
    [LoadColumn(1)] public bool Label { get; set; }
}

/// <summary>The columns of a binary classifier's prediction that this program reads.</summary>
public sealed class Sentiment
{
    public bool PredictedLabel { get; set; }
    public float Probability { get; set; }
}
