using Microsoft.ML;
using Microsoft.ML.Data;

// Yelp sentence sentiment with a bidirectional LSTM after ML.NET's text featurizers. The data file is the first argument,
// or the copy of samples/data that the project puts beside the binary (dotnet run -c Release --project samples/Quickstart/Pipeline).
string path = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "data", "sentiment", "yelp_labelled.txt");
var ml = new MLContext(seed: 1);
IDataView data = ml.Data.LoadFromTextFile<Review>(path, separatorChar: '\t');
var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1);
var pipeline = ml.Transforms.Text.NormalizeText("Normalized", "Text", keepPunctuations: false)
    .Append(ml.Transforms.Text.TokenizeIntoWords("Tokens", "Normalized"))
    .Append(ml.BinaryClassification.Trainers.Lstm(labelColumnName: "Label", featureColumnName: "Tokens"));
ITransformer model = pipeline.Fit(split.TrainSet);
var metrics = ml.BinaryClassification.Evaluate(model.Transform(split.TestSet));
Console.WriteLine($"Test accuracy {metrics.Accuracy:P2}, AUC {metrics.AreaUnderRocCurve:F3}, log-loss {metrics.LogLoss:F3}");
ml.Model.Save(model, data.Schema, "sentiment.zip");   // loads with plain ml.Model.Load, no TorchSharp needed

ITransformer loaded = ml.Model.Load("sentiment.zip", out _);
var engine = ml.Model.CreatePredictionEngine<Review, Sentiment>(loaded);
Sentiment answer = engine.Predict(new Review { Text = "The staff were friendly and the food came quickly." });
Console.WriteLine($"Positive: {answer.PredictedLabel} (probability {answer.Probability:F3})");

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
