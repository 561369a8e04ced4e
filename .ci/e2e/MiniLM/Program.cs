using System.Globalization;
using LstmMlNet;
using Microsoft.ML;
using Microsoft.ML.Data;

// The pretrained-encoder side of .ci/package-e2e.sh: an app that references LstmMlNet, LstmMlNet.Text.MiniLM and
// TorchSharp-cpu. Fits a tiny yelp classifier with TextEncoder = MiniLM (no registration call: the option finds the
// package), saves it, loads it with a fresh MLContext and predicts: the loaded model must answer as the fitted one,
// character for character. Usage: MiniLM <shared data folder> <output folder>
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: MiniLM <shared data folder> <output folder>");
    return 2;
}
Directory.CreateDirectory(args[1]);
var ml = new MLContext(seed: 1);
CultureInfo inv = CultureInfo.InvariantCulture;
IDataView reviews = ml.Data.LoadFromTextFile<Review>(Path.Combine(args[0], "sentiment", "yelp_labelled.txt"), separatorChar: '\t', allowQuoting: false);
var split = ml.Data.TrainTestSplit(reviews, testFraction: 0.2, seed: 1);
IDataView train = ml.Data.TakeRows(split.TrainSet, 300), test = ml.Data.TakeRows(split.TestSet, 100);
var options = new LstmBinaryTrainer.Options
{
    TextEncoder = PretrainedTextEncoder.MiniLM, FeatureColumnName = nameof(Review.Text), LabelColumnName = nameof(Review.Label),
    MaxSequenceLength = 32, Network = { HiddenSize = 32 }, Epochs = 4, Seed = 1,
};
ITransformer model = ml.BinaryClassification.Trainers.Lstm(options).Fit(train);
double accuracy = ml.BinaryClassification.Evaluate(model.Transform(test)).Accuracy;
Console.WriteLine($"minilm: 300 training rows, test accuracy {accuracy:F4}");
if (accuracy < 0.7)
{
    Console.Error.WriteLine("minilm: accuracy below 0.7 on 100 yelp rows");
    return 1;
}
string path = Path.Combine(args[1], "minilm.zip");
ml.Model.Save(model, reviews.Schema, path);
Console.WriteLine($"minilm: saved {new FileInfo(path).Length / 1e6:F1} MB");

string[] sentences = ml.Data.CreateEnumerable<Review>(test, reuseRowObject: false).Take(20).Select(r => r.Text)
    .Append("").Append("A completely new sentence with unknown words like zyxwv.").ToArray();
var scoring = new MLContext();
ITransformer loaded = scoring.Model.Load(path, out _);
var fitted = ml.Model.CreatePredictionEngine<Sentence, SentimentPrediction>(model);
var reloaded = scoring.Model.CreatePredictionEngine<Sentence, SentimentPrediction>(loaded, new PredictionEngineOptions { OwnsTransformer = false });
string Line(SentimentPrediction p) => string.Create(inv, $"{p.Score:R} {p.Probability:R} {p.PredictedLabel}");
int differ = sentences.Count(s => Line(fitted.Predict(new Sentence { Text = s })) != Line(reloaded.Predict(new Sentence { Text = s })));
(loaded as IDisposable)?.Dispose();
if (differ != 0)
{
    Console.Error.WriteLine($"minilm: the loaded model answers {differ} of {sentences.Length} sentences differently");
    return 1;
}
Console.WriteLine($"minilm: the loaded model answers the {sentences.Length} sentences as the fitted one");
return 0;

/// <summary>A row of yelp_labelled.txt: sentence, tab, 0 or 1.</summary>
internal sealed class Review
{
    [LoadColumn(0)] public string Text { get; set; } = "";
    [LoadColumn(1)] public bool Label { get; set; }
}
