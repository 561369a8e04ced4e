using LstmMlNet;
using Microsoft.ML;
using Microsoft.ML.Data;
using ScottPlot;

// The bike-demand story of ML.NET's ForecastBySsa tutorial, with a recurrent forecaster and honest alignment:
// train on 2011, then for each day of 2012 forecast it from the days before, compare, and update the engine.
string dataPath = args.Length > 0 ? args[0] : FindSharedData("bike", "day.csv");
var ml = new MLContext(seed: 1);
ml.Log += (_, e) => { if (e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Info && (e.Message.Contains("ForecastByLstm") || e.Message.Contains("epoch "))) Console.WriteLine($"  {e.Message}"); };
BikeDay[] days = ml.Data.CreateEnumerable<BikeDay>(ml.Data.LoadFromTextFile<BikeDay>(dataPath, hasHeader: true, separatorChar: ','), reuseRowObject: false).ToArray();
BikeDay[] train = days.Where(d => d.Year == 0).ToArray();
BikeDay[] test = days.Where(d => d.Year == 1).ToArray();
Console.WriteLine($"Data: {dataPath}: {train.Length} days of 2011 to train on, {test.Length} days of 2012 to forecast one at a time");

var estimator = ml.Forecasting.ForecastByLstm(outputColumnName: "Forecast", inputColumnName: nameof(BikeDay.Count),
    windowSize: 7, horizon: 7, confidenceLevel: 0.95f);
LstmForecastingTransformer model = estimator.Fit(ml.Data.LoadFromEnumerable(train));

// Evaluate on 2012: the engine forecasts day d before seeing it, then is updated with it.
var engine = model.CreateForecastEngine<BikeDay, BikeForecast>(ml);
var actual = new List<float>(); var forecast = new List<float>(); var lower = new List<float>(); var upper = new List<float>();
var naiveWeek = new List<float>();
for (int d = 0; d < test.Length - 7; d++)
{
    BikeForecast f = engine.Predict();
    actual.Add(test[d].Count); forecast.Add(f.Forecast[0]); lower.Add(f.LowerBound[0]); upper.Add(f.UpperBound[0]);
    naiveWeek.Add(days[train.Length + d - 7].Count);
    engine.Update(test[d]);
}
Console.WriteLine();
Console.WriteLine($"2012, one step ahead ({actual.Count} days)    MAE      RMSE     sMAPE   MASE(7)");
float[] history2011 = train.Select(d => d.Count).ToArray();
void Row(string name, List<float> f) => Console.WriteLine(
    $"  {name,-28} {ForecastMetrics.MeanAbsoluteError(actual, f),8:F1} {ForecastMetrics.RootMeanSquaredError(actual, f),9:F1} {ForecastMetrics.SymmetricMeanAbsolutePercentageError(actual, f),7:F1}% {ForecastMetrics.MeanAbsoluteScaledError(actual, f, history2011, 7),8:F3}");
Row("ForecastByLstm", forecast);
Row("seasonal naive (last week)", naiveWeek);
Console.WriteLine($"  95% bounds cover {ForecastMetrics.Coverage(actual, lower, upper):P1} of the days");

// The next 7 days from the end of the data seen so far, with bounds; then one new observation arrives.
BikeForecast next = engine.Predict();
Console.WriteLine();
Console.WriteLine("Next 7 days (after 2012-12-24):");
for (int k = 0; k < 7; k++) Console.WriteLine($"  day +{k + 1}: {next.Forecast[k],7:F0}  [{next.LowerBound[k],7:F0}, {next.UpperBound[k],7:F0}]  actual {test[test.Length - 7 + k].Count,5:F0}");
engine.Update(test[^7]);
Console.WriteLine($"Updated with 2012-12-25 ({test[^7].Count:F0}); the next day's forecast is now {engine.Predict().Forecast[0]:F0}.");

// Checkpoint model and state together, reload in a fresh context, and carry on.
string checkpoint = Path.Combine(AppContext.BaseDirectory, "bike-forecast-engine.zip");
engine.CheckPoint(checkpoint);
using var reloaded = LstmForecastEngine.Load<BikeDay, BikeForecast>(new MLContext(), checkpoint);
Console.WriteLine($"Checkpoint {checkpoint} reloaded: next-day forecast {reloaded.Predict().Forecast[0]:F0} (same as before: {reloaded.Predict().Forecast[0] == engine.Predict().Forecast[0]}).");

// Plot: the last 120 days of 2012 with their one-step forecasts and bounds, and the 7-day forecast.
string plotPath = Path.Combine(AppContext.BaseDirectory, "bike-forecast.png");
var plot = new Plot();
int from = actual.Count - 120;
double[] x = Enumerable.Range(from, 120).Select(i => (double)i).ToArray();
var band = plot.Add.FillY(x, lower.Skip(from).Select(v => (double)v).ToArray(), upper.Skip(from).Select(v => (double)v).ToArray());
band.LegendText = "95% bounds";
band.FillStyle.Color = Colors.SteelBlue.WithAlpha(0.25);
var observed = plot.Add.ScatterLine(x, actual.Skip(from).Select(v => (double)v).ToArray());
observed.LegendText = "observed";
observed.Color = Colors.Black;
var oneStep = plot.Add.ScatterLine(x, forecast.Skip(from).Select(v => (double)v).ToArray());
oneStep.LegendText = "one-step forecast";
oneStep.Color = Colors.SteelBlue;
double[] ahead = Enumerable.Range(actual.Count, 7).Select(i => (double)i).ToArray();
var week = plot.Add.ScatterLine(ahead, next.Forecast.Select(v => (double)v).ToArray());
week.LegendText = "7-day forecast";
week.Color = Colors.OrangeRed;
week.LineWidth = 2;
plot.Title("Bike rentals per day, 2012: ForecastByLstm (W = 14, h = 7)");
plot.XLabel("day of 2012");
plot.YLabel("rentals");
plot.ShowLegend(Alignment.UpperRight);
plot.SavePng(plotPath, 1000, 560);
Console.WriteLine($"Plot: {plotPath}");
engine.Dispose();

static string FindSharedData(params string[] parts)
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        string candidate = Path.Combine(new[] { dir.FullName, "shared", "data" }.Concat(parts).ToArray());
        if (File.Exists(candidate)) return candidate;
    }
    throw new FileNotFoundException($"shared/data/{string.Join('/', parts)} was not found above {AppContext.BaseDirectory}; pass the file's path as the first argument.");
}

/// <summary>One day of ../shared/data/bike/day.csv.</summary>
internal sealed class BikeDay
{
    [LoadColumn(3)] public float Year { get; set; }
    [LoadColumn(15)] public float Count { get; set; }
}

/// <summary>The engine's output, named as in ForecastBySsa's tutorial.</summary>
internal sealed class BikeForecast
{
    public float[] Forecast { get; set; } = Array.Empty<float>();
    public float[] LowerBound { get; set; } = Array.Empty<float>();
    public float[] UpperBound { get; set; } = Array.Empty<float>();
}
