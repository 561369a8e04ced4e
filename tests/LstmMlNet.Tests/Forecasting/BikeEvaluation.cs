using LstmMlNet.Forecasting;
using Microsoft.ML;

namespace LstmMlNet.Tests.Forecasting;

/// <summary>Figures of one honest 2012 evaluation: the engine forecasts each day before it sees it, then is updated.</summary>
/// <remarks><see cref="TutorialMae"/> and <see cref="TutorialRmse"/> score the same forecasts in the alignment of ML.NET's
/// tutorial: the forecast read after the engine consumed day t (the forecast of day t + 1) against day t itself.</remarks>
internal sealed record BikeFigures(double Mae1, double Rmse1, double Mae7, double Rmse7, double Coverage1, double Coverage7, double TutorialMae, double TutorialRmse, double Seconds, int Epochs)
{
    public override string ToString() =>
        $"1-step MAE {Mae1:F1} RMSE {Rmse1:F1} | 7-step MAE {Mae7:F1} RMSE {Rmse7:F1} | 95% coverage 1-step {Coverage1:F3} all steps {Coverage7:F3} | tutorial alignment MAE {TutorialMae:F1} RMSE {TutorialRmse:F1} | fit {Seconds:F1} s, {Epochs} epochs";
}

internal static class BikeEvaluation
{
    public static BikeFigures Run(LstmForecastingOptions options, Action<string>? log = null)
    {
        BikeDay[] days = BikeData.Days();
        BikeDay[] train = days.Where(d => d.Year == 0).ToArray();
        BikeDay[] test = days.Where(d => d.Year == 1).ToArray();
        var ml = new MLContext(seed: 1);
        if (log is not null) ml.Log += (_, e) => { if (e.Message.Contains("ForecastByLstm") || e.Message.Contains("epoch")) log(e.Message); };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var estimator = ml.Forecasting.ForecastByLstm(options);
        LstmForecastingTransformer model = estimator.Fit(ml.Data.LoadFromEnumerable(train));
        double seconds = clock.Elapsed.TotalSeconds;
        using var engine = model.CreateForecastEngine<BikeDay, BikeForecast>(ml);
        int h = options.Horizon;
        var a1 = new List<float>(); var f1 = new List<float>(); var l1 = new List<float>(); var u1 = new List<float>();
        var a7 = new List<float>(); var f7 = new List<float>(); var l7 = new List<float>(); var u7 = new List<float>();
        for (int d = 0; d < test.Length; d++)
        {
            BikeForecast f = options.CovariateColumnNames.Length > 0 ? engine.Predict(Future(days, train.Length + d, h)) : engine.Predict();
            a1.Add(test[d].Count); f1.Add(f.Forecast[0]); l1.Add(f.LowerBound[0]); u1.Add(f.UpperBound[0]);
            if (d + h <= test.Length)
            {
                for (int k = 0; k < h; k++)
                {
                    a7.Add(test[d + k].Count); f7.Add(f.Forecast[k]); l7.Add(f.LowerBound[k]); u7.Add(f.UpperBound[k]);
                }
            }
            engine.Update(test[d]);
        }
        // The forecast read after consuming day d is the honest forecast of day d + 1 (the last one is read after the loop).
        BikeForecast last = options.CovariateColumnNames.Length > 0 ? engine.Predict(Future(days, days.Length, h)) : engine.Predict();
        var afterConsuming = f1.Skip(1).Append(last.Forecast[0]).ToArray();
        return new BikeFigures(
            ForecastMetrics.MeanAbsoluteError(a1, f1), ForecastMetrics.RootMeanSquaredError(a1, f1),
            ForecastMetrics.MeanAbsoluteError(a7, f7), ForecastMetrics.RootMeanSquaredError(a7, f7),
            ForecastMetrics.Coverage(a1, l1, u1), ForecastMetrics.Coverage(a7, l7, u7),
            ForecastMetrics.MeanAbsoluteError(a1, afterConsuming), ForecastMetrics.RootMeanSquaredError(a1, afterConsuming), seconds, estimator.LastFitReport!.History.Count);
    }

    /// <summary>The h rows from <paramref name="start"/> (covariates only are read); past the data's end the last row repeats.</summary>
    private static BikeDay[] Future(BikeDay[] days, int start, int h) =>
        Enumerable.Range(start, h).Select(i => days[Math.Min(i, days.Length - 1)]).ToArray();
}
