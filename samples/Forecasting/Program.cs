using LstmMlNet;
using Microsoft.ML;
using Microsoft.ML.Data;
using ScottPlot;

// The bike-demand story of ML.NET's ForecastBySsa tutorial, with a recurrent forecaster and honest alignment:
// train on 2011, then for each day of 2012 forecast it from the days before, compare, and update the engine.
string dataPath = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "data", "bike", "day.csv");
var ml = new MLContext(seed: 1);
ml.Log += (_, e) => { if (e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Info && (e.Message.Contains("ForecastByLstm") || e.Message.Contains("epoch "))) Console.WriteLine($"  {e.Message}"); };
BikeDay[] days = ml.Data.CreateEnumerable<BikeDay>(ml.Data.LoadFromTextFile<BikeDay>(dataPath, hasHeader: true, separatorChar: ','), reuseRowObject: false).ToArray();
BikeDay[] train = days.Where(d => d.Year == 0).ToArray();
BikeDay[] test = days.Where(d => d.Year == 1).ToArray();
Console.WriteLine($"Data: {dataPath}: {train.Length} days of 2011 to train on, {test.Length} days of 2012 to forecast one at a time");

var estimator = ml.Forecasting.ForecastByLstm(outputColumnName: "Forecast", inputColumnName: nameof(BikeDay.Count),
    windowSize: 7, horizon: 7, confidenceLevel: 0.95f);
LstmForecastingTransformer model = estimator.Fit(ml.Data.LoadFromEnumerable(train));
// What was fitted, read from the model (the plot's title says the same): the window and horizon, the season found in
// the training rows (1 = none) and the simple forecast the network corrects.
ForecastFitReport report = model.FitReport;
string fitted = $"W = {model.WindowSize}, h = {model.Horizon}, " +
    (report.Seasonality > 1 ? $"season {report.Seasonality}" : "no season") + ", " +
    (report.SeasonalBaselinePeriod > 0 ? $"corrects the seasonal naive forecast ({report.SeasonalBaselinePeriod})" : "corrects the last value");
Console.WriteLine($"Fitted: {fitted}");

// Rentals cannot be negative, but the bounds are symmetric around the forecast (in the model's level units) and can
// reach below zero after wild weeks. This sample clips them at zero for what it prints and draws; clipping changes
// neither the coverage of a count nor the upper bounds. (TargetTransform = Log1p is the model-side alternative.)
static float AtLeastZero(float value) => Math.Max(0f, value);

// Evaluate on 2012: the engine forecasts day d before seeing it, then is updated with it.
var engine = model.CreateForecastEngine<BikeDay, BikeForecast>(ml);
var actual = new List<float>(); var forecast = new List<float>(); var lower = new List<float>(); var upper = new List<float>();
var naiveWeek = new List<float>();
for (int d = 0; d < test.Length - 7; d++)
{
    BikeForecast f = engine.Predict();
    actual.Add(test[d].Count); forecast.Add(f.Forecast[0]); lower.Add(AtLeastZero(f.LowerBound[0])); upper.Add(f.UpperBound[0]);
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
Console.WriteLine($"  95% bounds (lower bounds clipped at 0) cover {ForecastMetrics.Coverage(actual, lower, upper):P1} of the days");

// The next 7 days from the end of the data seen so far, with bounds; then one new observation arrives.
BikeForecast next = engine.Predict();
Console.WriteLine();
Console.WriteLine("Next 7 days (after 2012-12-24):");
for (int k = 0; k < 7; k++) Console.WriteLine($"  day +{k + 1}: {next.Forecast[k],7:F0}  [{AtLeastZero(next.LowerBound[k]),7:F0}, {next.UpperBound[k],7:F0}]  actual {test[test.Length - 7 + k].Count,5:F0}");
engine.Update(test[^7]);
Console.WriteLine($"Updated with 2012-12-25 ({test[^7].Count:F0}); the next day's forecast is now {engine.Predict().Forecast[0]:F0}.");

// Checkpoint model and state together, reload in a fresh context, and carry on.
string checkpoint = Path.Combine(AppContext.BaseDirectory, "bike-forecast-engine.zip");
engine.CheckPoint(checkpoint);
using var reloaded = LstmForecastEngine.Load<BikeDay, BikeForecast>(new MLContext(), checkpoint);
Console.WriteLine($"Checkpoint {checkpoint} reloaded: next-day forecast {reloaded.Predict().Forecast[0]:F0} (same as before: {reloaded.Predict().Forecast[0] == engine.Predict().Forecast[0]}).");

// Plot: the last 120 days of one-step forecasts with their bounds, then the 7-day forecast from 2012-12-24 with its
// bounds, against what was observed; dates on the x axis, each series its own colour.
string plotPath = Path.Combine(AppContext.BaseDirectory, "bike-forecast.png");
var plot = new Plot();
int from = actual.Count - 120;
var firstDay = new DateTime(2012, 1, 1);
double[] Dates(int start, int count) => Enumerable.Range(start, count).Select(d => firstDay.AddDays(d).ToOADate()).ToArray();
static double[] Values(IEnumerable<float> values) => values.Select(v => (double)v).ToArray();
Color stepColor = Colors.SteelBlue, weekColor = Colors.OrangeRed;

var stepBand = plot.Add.FillY(Dates(from, 120), Values(lower.Skip(from)), Values(upper.Skip(from)));
stepBand.FillColor = stepColor.WithAlpha(0.2);
stepBand.LineColor = stepColor.WithAlpha(0.2);
stepBand.LegendText = "95% bounds of the one-step forecasts (lower clipped at 0)";
double[] ahead = Dates(actual.Count, 7);
var weekBand = plot.Add.FillY(ahead, Values(next.LowerBound.Select(AtLeastZero)), Values(next.UpperBound));
weekBand.FillColor = weekColor.WithAlpha(0.2);
weekBand.LineColor = weekColor.WithAlpha(0.2);
weekBand.LegendText = "95% bounds of the 7-day forecast (lower clipped at 0)";

var observed = plot.Add.ScatterLine(Dates(from, 127), Values(actual.Skip(from).Concat(test[^7..].Select(d => d.Count))));
observed.LegendText = "observed";
observed.Color = Colors.Black;
observed.LineWidth = 1.5f;
var oneStep = plot.Add.ScatterLine(Dates(from, 120), Values(forecast.Skip(from)));
oneStep.LegendText = "one-step forecast (engine updated daily)";
oneStep.Color = stepColor;
oneStep.LineWidth = 1.5f;
var week = plot.Add.ScatterLine(ahead, Values(next.Forecast));
week.LegendText = "7-day forecast from 2012-12-24";
week.Color = weekColor;
week.LineWidth = 2.5f;

plot.Axes.DateTimeTicksBottom();
plot.Axes.SetLimitsY(0, Math.Max(upper.Skip(from).Max(), next.UpperBound.Max()) * 1.05);
plot.Title($"Bike rentals per day, 2012: ForecastByLstm ({fitted})");
plot.YLabel("rentals per day");
plot.ShowLegend(Alignment.UpperRight);
plot.SavePng(plotPath, 1100, 600);
Console.WriteLine($"Plot: {plotPath}");
engine.Dispose();


/// <summary>One day of samples/data/bike/day.csv.</summary>
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
