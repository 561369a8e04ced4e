using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

// The deployment side of .ci/package-e2e.sh: references only Microsoft.ML, Microsoft.ML.OnnxTransformer and
// Microsoft.ML.OnnxRuntime (no LstmMlNet, no TorchSharp). Loads the Trainer's two zips and writes its predictions on the
// Trainer's inputs in the Trainer's format, for the script to compare.
// Usage: Scorer <folder with the Trainer's output>
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: Scorer <folder with the Trainer's output>");
    return 2;
}
string dir = args[0];
var ml = new MLContext(seed: 1);
CultureInfo inv = CultureInfo.InvariantCulture;

ITransformer sentiment = ml.Model.Load(Path.Combine(dir, "sentiment.zip"), out _);
var engine = ml.Model.CreatePredictionEngine<Sentence, SentimentPrediction>(sentiment);
File.WriteAllLines(Path.Combine(dir, "sentiment-scorer.txt"), File.ReadAllLines(Path.Combine(dir, "sentiment-input.txt")).Select(s =>
{
    SentimentPrediction p = engine.Predict(new Sentence { Text = s });
    return string.Create(inv, $"{p.Score:R} {p.Probability:R} {p.PredictedLabel}");
}));

ITransformer forecaster = ml.Model.Load(Path.Combine(dir, "forecast.zip"), out DataViewSchema forecastInput);
float[][] windows = File.ReadAllLines(Path.Combine(dir, "forecast-input.txt"))
    .Select(l => l.Split(' ').Select(v => float.Parse(v, inv)).ToArray()).ToArray();
var definition = SchemaDefinition.Create(typeof(WindowRow));
definition[nameof(WindowRow.Window)].ColumnType = forecastInput["Window"].Type; // Vector<Single, W> as saved
IDataView forecasts = forecaster.Transform(ml.Data.LoadFromEnumerable(windows.Select(w => new WindowRow { Window = w }), definition));
File.WriteAllLines(Path.Combine(dir, "forecast-scorer.txt"),
    forecasts.GetColumn<float[]>("Forecast").Zip(forecasts.GetColumn<float[]>("LowerBound"), forecasts.GetColumn<float[]>("UpperBound"))
        .Select(f => string.Join(' ', f.First.Concat(f.Second).Concat(f.Third).Select(v => v.ToString("R", inv)))));
// A saved LstmForecaster is a plain ML.NET model too: the same scoring model, the series' state beside it.
ITransformer stateful = ml.Model.Load(Path.Combine(dir, "forecaster-state.zip"), out _);
float[][] again = stateful.Transform(ml.Data.LoadFromEnumerable(windows.Select(w => new WindowRow { Window = w }), definition)).GetColumn<float[]>("Forecast").ToArray();
float[][] first = forecasts.GetColumn<float[]>("Forecast").ToArray();
if (!again.Zip(first).All(pair => pair.First.SequenceEqual(pair.Second)))
    throw new InvalidOperationException("forecaster-state.zip, loaded with ml.Model.Load, forecasts differently from forecast.zip");
Console.WriteLine($"scorer: {windows.Length} forecasts and the sentiment of the sentences written to {dir}; forecaster-state.zip loads as the same scoring model");
return 0;

/// <summary>The last W observations, the saved forecasting model's input.</summary>
internal sealed class WindowRow
{
    public float[] Window { get; set; } = Array.Empty<float>();
}
