using LstmMlNet.Forecasting;
using LstmMlNet.Tests.Infrastructure;
using Microsoft.ML;
using Xunit.Abstractions;

namespace LstmMlNet.Tests.Forecasting;

/// <summary>The small data sets of the forecasting table (bike 2012 one-step and 7-step, airline under the Darts protocol)
/// for a list of option variants, so a default is chosen on all of them together with M4 hourly
/// (samples/M4Hourly). Figures for docs/forecasting.md; each variant takes about a minute.</summary>
public sealed class ForecastDefaultsTable(ITestOutputHelper output)
{
    public static readonly (string Name, Action<LstmForecastingOptions> Change)[] Variants =
    {
        ("defaults", _ => { }),
        ("Scaling WindowMean", o => o.Scaling = ForecastScaling.WindowMean),
        ("Scaling WindowDeviation", o => o.Scaling = ForecastScaling.WindowDeviation),
        ("Scaling SeasonalChange", o => o.Scaling = ForecastScaling.SeasonalChange),
        ("Baseline LastValue", o => o.Baseline = ForecastBaseline.LastValue),
        ("Loss SquaredError", o => o.Loss = ForecastLoss.SquaredError),
        ("SeasonalInputs false", o => o.SeasonalInputs = false),
        ("Log1p", o => o.TargetTransform = ForecastTargetTransform.Log1p),
        ("300 epochs", o => o.Epochs = 300),
        ("Log1p, 300 epochs", o => { o.TargetTransform = ForecastTargetTransform.Log1p; o.Epochs = 300; }),
        ("Difference", o => o.TargetTransform = ForecastTargetTransform.Difference),
        ("Scaling WindowMean, Log1p", o => { o.Scaling = ForecastScaling.WindowMean; o.TargetTransform = ForecastTargetTransform.Log1p; }),
        ("RefitOnAllData", o => o.RefitOnAllData = true),
        ("Log1p, RefitOnAllData", o => { o.TargetTransform = ForecastTargetTransform.Log1p; o.RefitOnAllData = true; }),
        ("Scaling WindowMean, 300 epochs", o => { o.Scaling = ForecastScaling.WindowMean; o.Epochs = 300; }),
        ("window 14 (bike, airline)", o => o.WindowSize = 14),
        ("learning rate 3e-3, cosine schedule", o => { o.LearningRate = 3e-3; o.Schedule = LstmMlNet.LearningRateSchedule.Cosine; }),
        ("cosine schedule", o => o.Schedule = LstmMlNet.LearningRateSchedule.Cosine),
        ("best epoch, patience 10", o => { o.EarlyStoppingPatience = 10; o.RestoreBestWeights = true; }),
        ("best epoch, no early stop", o => { o.EarlyStoppingPatience = 0; o.RestoreBestWeights = true; }),
        ("last epoch (no selection)", o => { o.EarlyStoppingPatience = 0; o.RestoreBestWeights = false; }),
        ("TargetTransform None (the default before Automatic)", o => o.TargetTransform = ForecastTargetTransform.None),
        ("ensemble of 3 (EnsembleSize 3)", o => o.EnsembleSize = 3),
        ("ensemble of 5 (EnsembleSize 5)", o => o.EnsembleSize = 5),
        ("seed 2 (the defaults' spread over seeds)", o => o.Seed = 2),
        ("seed 3", o => o.Seed = 3),
        ("seed 4", o => o.Seed = 4),
        ("seed 5", o => o.Seed = 5),
        ("window 192 (hourly series only: a week and a day; BaselineGuardTable)", o => o.WindowSize = 192),
        ("window 120 (hourly series only: five days; BaselineGuardTable)", o => o.WindowSize = 120),
        ("BaselineGuard false (the network alone)", o => o.BaselineGuard = false),
        ("BaselineGuard false, seed 2", o => { o.BaselineGuard = false; o.Seed = 2; }),
        ("BaselineGuard false, seed 3", o => { o.BaselineGuard = false; o.Seed = 3; }),
        ("BaselineGuard false, seed 4", o => { o.BaselineGuard = false; o.Seed = 4; }),
        ("BaselineGuard false, seed 5", o => { o.BaselineGuard = false; o.Seed = 5; }),
    };

    [Fact(Skip = "Figures for docs/forecasting.md, several minutes: remove Skip to re-measure.")]
    public void Table()
    {
        foreach (var (name, change) in Variants) Row(name, change);
    }

    /// <summary>One variant, by its index in <see cref="Variants"/>, from the command line
    /// (<c>LSTMMLNET_TABLE_VARIANT=3 dotnet test --filter ForecastDefaultsTable.One</c>); skipped without the variable.</summary>
    [MeasurementFact("LSTMMLNET_TABLE_VARIANT", "one variant (a variant index)")]
    public void One()
    {
        int i = int.Parse(Environment.GetEnvironmentVariable("LSTMMLNET_TABLE_VARIANT")!, System.Globalization.CultureInfo.InvariantCulture);
        Row(Variants[i].Name, Variants[i].Change);
    }

    internal void Row(string name, Action<LstmForecastingOptions> change)
    {
        var bike = new LstmForecastingOptions { InputColumnName = nameof(BikeDay.Count), Horizon = 7, Seed = 1 };
        change(bike);
        var log = new List<string>();
        BikeFigures b = BikeEvaluation.Run(bike, m => { if (m.Contains("window") || m.Contains("season") || m.Contains("baseline")) log.Add(m); });
        var air = new LstmForecastingOptions { InputColumnName = nameof(AirMonth.Passengers), Horizon = 6, Seed = 1 };
        change(air);
        var ml = new MLContext(seed: 1);
        var airLog = new List<string>();
        ml.Log += (_, e) => { if (e.Message.Contains("guard") || e.Message.Contains("target transform")) airLog.Add(e.Message); };
        ForecastBacktestResult a = ForecastBacktest.Run(ml, air, ml.Data.LoadFromEnumerable(AirlineData.Months()), AirlineData.FirstOf1959, seasonality: 12);
        output.WriteLine($"{name}: bike {b} || airline 6-step {a.Steps[5]} | all {a.Overall} | W {a.LastModel.WindowSize} season {a.LastModel.FitReport.Seasonality} baseline {a.LastModel.FitReport.SeasonalBaselinePeriod}");
        foreach (string line in log) output.WriteLine($"    bike: {line}");
        foreach (string line in airLog) output.WriteLine($"    airline: {line}");
    }
}
