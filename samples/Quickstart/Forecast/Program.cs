using LstmMlNet;   // LstmForecastingTransformer, LstmForecastEngine (ml.Forecasting.ForecastByLstm comes with Microsoft.ML)
using Microsoft.ML;
using Microsoft.ML.Data;

// Daily bike rentals: train on 2011, then forecast the first week of 2012 with 95% bounds. The data file is the first
// argument, or the copy of samples/data beside the binary (dotnet run -c Release --project samples/Quickstart/Forecast).
string path = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "data", "bike", "day.csv");
var ml = new MLContext(seed: 1);
BikeDay[] days = ml.Data.CreateEnumerable<BikeDay>(
    ml.Data.LoadFromTextFile<BikeDay>(path, hasHeader: true, separatorChar: ','), reuseRowObject: false).ToArray();
BikeDay[] train = days.Where(d => d.Year == 0).ToArray();
IDataView year2011 = ml.Data.LoadFromEnumerable(train);            // rows in time order, Count is Single
LstmForecastingTransformer model = ml.Forecasting.ForecastByLstm(outputColumnName: "Forecast",
    inputColumnName: "Count", windowSize: 7, horizon: 7, confidenceLevel: 0.95f).Fit(year2011);
using var engine = model.CreateForecastEngine<BikeDay, BikeForecast>(ml); // continues from the end of training
BikeForecast next = engine.Predict();             // Forecast, LowerBound, UpperBound: float[7] each
for (int k = 0; k < 7; k++)
    Console.WriteLine($"2012 day {k + 1}: {next.Forecast[k],6:F0}  [{next.LowerBound[k]:F0}, {next.UpperBound[k]:F0}]  actual {days[train.Length + k].Count}");
engine.Update(days[train.Length]);                // one new observation: 2012-01-01
Console.WriteLine($"Updated with 2012-01-01; the forecast of 2012-01-02 is now {engine.Predict().Forecast[0]:F0}");
ml.Model.Save(model, model.ScoringInputSchema, "model.zip"); // the stateless ONNX scoring model (window in, vectors out)

/// <summary>A line of day.csv: the year (0 = 2011, 1 = 2012) and the day's rentals.</summary>
public sealed class BikeDay
{
    [LoadColumn(3)] public float Year { get; set; }
    [LoadColumn(15)] public float Count { get; set; }
}

/// <summary>The engine's output: h values each, named as in ML.NET's ForecastBySsa tutorial.</summary>
public sealed class BikeForecast
{
    public float[] Forecast { get; set; } = [];
    public float[] LowerBound { get; set; } = [];
    public float[] UpperBound { get; set; } = [];
}
