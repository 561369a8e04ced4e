using System.Globalization;
using LstmMlNet;
using Microsoft.ML;
using Microsoft.ML.Data;

// The training side of .ci/package-e2e.sh: an app outside the repository that references only the packed LstmMlNet
// and TorchSharp-cpu. Fits a tiny sentiment classifier and a tiny forecaster, saves both models, and writes the inputs
// and the in-memory models' predictions so that a second app (Scorer) can load the zips and must predict the same.
// Usage: Trainer <shared data folder> <output folder>
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: Trainer <shared data folder> <output folder>");
    return 2;
}
string dataDir = args[0];
string outDir = args[1];
Directory.CreateDirectory(outDir);
var ml = new MLContext(seed: 1);
CultureInfo inv = CultureInfo.InvariantCulture;

// Sentiment: yelp sentences, a small bidirectional LSTM, two epochs.
IDataView reviews = ml.Data.LoadFromTextFile<Review>(Path.Combine(dataDir, "sentiment", "yelp_labelled.txt"), separatorChar: '\t');
var split = ml.Data.TrainTestSplit(reviews, testFraction: 0.2, seed: 1);
var pipeline = ml.Transforms.Text.NormalizeText("Normalized", nameof(Review.Text), keepPunctuations: false)
    .Append(ml.Transforms.Text.TokenizeIntoWords("Tokens", "Normalized"))
    .Append(ml.BinaryClassification.Trainers.Lstm(labelColumnName: nameof(Review.Label), featureColumnName: "Tokens", hiddenSize: 32, epochs: 2));
ITransformer classifier = pipeline.Fit(split.TrainSet);
var metrics = ml.BinaryClassification.Evaluate(classifier.Transform(split.TestSet));
Console.WriteLine($"sentiment: test accuracy {metrics.Accuracy:F4} after 2 epochs");
ml.Model.Save(classifier, reviews.Schema, Path.Combine(outDir, "sentiment.zip"));

string[] sentences = ml.Data.CreateEnumerable<Review>(split.TestSet, reuseRowObject: false).Take(40).Select(r => r.Text)
    .Append("").Append("A completely new sentence with unknown words like zyxwv.").ToArray();
File.WriteAllLines(Path.Combine(outDir, "sentiment-input.txt"), sentences);
var sentimentEngine = ml.Model.CreatePredictionEngine<Sentence, SentimentPrediction>(classifier);
File.WriteAllLines(Path.Combine(outDir, "sentiment-trainer.txt"), sentences.Select(s =>
{
    SentimentPrediction p = sentimentEngine.Predict(new Sentence { Text = s });
    return string.Create(inv, $"{p.Score:R} {p.Probability:R} {p.PredictedLabel}");
}));

// Forecast: airline passengers, window 12, horizon 6, a few epochs.
float[] passengers = File.ReadAllLines(Path.Combine(dataDir, "airline", "air_passengers.csv")).Skip(1)
    .Select(line => float.Parse(line[(line.LastIndexOf(',') + 1)..], inv)).ToArray();
const int window = 12, horizon = 6;
var options = new LstmForecastingOptions
{
    OutputColumnName = "Forecast", InputColumnName = nameof(Month.Passengers), WindowSize = window, Horizon = horizon,
    Network = { HiddenSize = 16 }, Epochs = 20, MinimumOptimizerSteps = 0,
};
LstmForecastingTransformer forecaster = ml.Forecasting.ForecastByLstm(options)
    .Fit(ml.Data.LoadFromEnumerable(passengers.Take(120).Select(v => new Month { Passengers = v })));
ml.Model.Save(forecaster, forecaster.ScoringInputSchema, Path.Combine(outDir, "forecast.zip"));
using (LstmForecaster panel = forecaster.CreateForecaster())
    panel.Save(ml, Path.Combine(outDir, "forecaster-state.zip")); // the scoring model plus the series' ends, one file

float[][] windows = Enumerable.Range(120 - window, passengers.Length - 120 + 1).Select(end => passengers[(end - window)..end]).ToArray();
File.WriteAllLines(Path.Combine(outDir, "forecast-input.txt"), windows.Select(w => string.Join(' ', w.Select(v => v.ToString("R", inv)))));
IDataView windowRows = ml.Data.LoadFromEnumerable(windows.Select(w => new LstmForecastInput { Window = w }), forecaster.ScoringInputSchemaDefinition);
IDataView forecasts = forecaster.ScoringModel.Transform(windowRows);
var lines = forecasts.GetColumn<float[]>("Forecast").Zip(forecasts.GetColumn<float[]>("LowerBound"), forecasts.GetColumn<float[]>("UpperBound"))
    .Select(f => string.Join(' ', f.First.Concat(f.Second).Concat(f.Third).Select(v => v.ToString("R", inv)))).ToList();
File.WriteAllLines(Path.Combine(outDir, "forecast-trainer.txt"), lines);
Console.WriteLine($"forecast: {windows.Length} windows forecast; the first {horizon} months after 1958-12: {string.Join(", ", lines[0].Split(' ').Take(horizon))}");
return 0;

/// <summary>A row of yelp_labelled.txt: sentence, tab, 0 or 1.</summary>
internal sealed class Review
{
    [LoadColumn(0)] public string Text { get; set; } = "";
    [LoadColumn(1)] public bool Label { get; set; }
}

/// <summary>One month of the airline series.</summary>
internal sealed class Month
{
    public float Passengers { get; set; }
}
