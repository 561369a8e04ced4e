using LstmMlNet.Forecasting;
using LstmMlNet.Tests.Infrastructure;
using Microsoft.ML;
using Xunit.Abstractions;

namespace LstmMlNet.Tests.Forecasting;

/// <summary>The bounds table of docs/forecasting.md: coverage per horizon step, mean width and interval (Winkler) score of the 95%
/// bounds on bike 2012 (the engine walked day by day, univariate and with weather covariates), the airline backtest (Darts
/// protocol) and the drifting synthetic series, for each interval unit × method (split-conformal, adaptive at three step
/// sizes). Figures for docs/forecasting.md, about 4 minutes:
/// <c>LSTMMLNET_BOUNDS_TABLE=1 dotnet test -c Release --filter ForecastBoundsTable</c>; skipped without the variable.
/// M4 hourly's figures come from samples/M4Hourly (one origin per series, so its bounds are Fit's).</summary>
public sealed class ForecastBoundsTable(ITestOutputHelper output)
{
    private static readonly (string Name, ForecastIntervalMethod Method, double Rate)[] Methods =
    {
        ("split-conformal", ForecastIntervalMethod.SplitConformal, 0.05),
        ("adaptive γ 0.02", ForecastIntervalMethod.Adaptive, 0.02),
        ("adaptive γ 0.05", ForecastIntervalMethod.Adaptive, 0.05),
        ("adaptive γ 0.1", ForecastIntervalMethod.Adaptive, 0.1),
    };

    [MeasurementFact("LSTMMLNET_BOUNDS_TABLE", "the bounds table (=1)")]
    public void Table()
    {
        foreach (ForecastIntervalScale unit in Enum.GetValues<ForecastIntervalScale>())
        {
            output.WriteLine($"## interval unit {unit}");
            foreach (var (name, method, rate) in Methods)
            {
                void Change(LstmForecastingOptions o)
                {
                    o.IntervalScale = unit;
                    o.IntervalMethod = method;
                    o.IntervalAdaptationRate = rate;
                }
                Bike(name, Change, covariates: false);
                Bike(name, Change, covariates: true);
                Airline(name, Change);
                Drift(name, Change, ForecastScaling.Automatic);
                Drift(name, Change, ForecastScaling.WindowMean);
            }
        }
    }

    private void Report(string data, string name, IReadOnlyList<double> coverage, double all, double width, double score) =>
        output.WriteLine(FormattableString.Invariant(
            $"| {data} | {name} | {all:F3} | {string.Join(" ", coverage.Select(c => c.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))} | {width:G4} | {score:G4} |"));

    /// <summary>Walks an engine over <paramref name="test"/>: at each origin the forecast, then the update.</summary>
    private static (double[] Coverage, double All, double Width, double Score) Walk<T>(LstmForecastEngine<T, BikeForecast> engine, IReadOnlyList<T> test,
        Func<T, float> actual, Func<int, BikeForecast> predict, double level) where T : class
    {
        var rows = new List<(int Step, float A, float L, float U)>();
        int h = engine.Horizon;
        for (int t = 0; t < test.Count; t++)
        {
            BikeForecast f = predict(t);
            for (int k = 0; k < h && t + k < test.Count; k++) rows.Add((k, actual(test[t + k]), f.LowerBound[k], f.UpperBound[k]));
            engine.Update(test[t]);
        }
        double[] coverage = Enumerable.Range(0, h).Select(k => rows.Where(r => r.Step == k).Average(r => r.A >= r.L && r.A <= r.U ? 1.0 : 0.0)).ToArray();
        float[] a = rows.Select(r => r.A).ToArray(), l = rows.Select(r => r.L).ToArray(), u = rows.Select(r => r.U).ToArray();
        return (coverage, ForecastMetrics.Coverage(a, l, u), ForecastMetrics.MeanIntervalWidth(l, u), ForecastMetrics.IntervalScore(a, l, u, level));
    }

    private void Bike(string name, Action<LstmForecastingOptions> change, bool covariates)
    {
        BikeDay[] days = BikeData.Days();
        BikeDay[] train = days.Where(d => d.Year == 0).ToArray();
        BikeDay[] test = days.Where(d => d.Year == 1).ToArray();
        var o = new LstmForecastingOptions { InputColumnName = nameof(BikeDay.Count), Horizon = 7, Seed = 1 };
        if (covariates)
        {
            o.CovariateColumnNames = BikeData.WeatherCovariates;
            o.WindowSize = 7;
        }
        change(o);
        var ml = new MLContext(seed: 1);
        var model = ml.Forecasting.ForecastByLstm(o).Fit(ml.Data.LoadFromEnumerable(train));
        using var engine = model.CreateForecastEngine<BikeDay, BikeForecast>(ml);
        BikeForecast Predict(int t) => covariates
            ? engine.Predict(Enumerable.Range(train.Length + t, 7).Select(i => days[Math.Min(i, days.Length - 1)]).ToArray())
            : engine.Predict();
        var (coverage, all, width, score) = Walk(engine, test, d => d.Count, Predict, o.ConfidenceLevel);
        Report(covariates ? "bike 2012, weather covariates, W 7" : "bike 2012", name, coverage, all, width, score);
    }

    private void Airline(string name, Action<LstmForecastingOptions> change)
    {
        AirMonth[] months = AirlineData.Months();
        var o = new LstmForecastingOptions { InputColumnName = nameof(AirMonth.Passengers), Horizon = 6, Seed = 1 };
        change(o);
        var ml = new MLContext(seed: 1);
        ForecastBacktestResult result = ForecastBacktest.Run(ml, o, ml.Data.LoadFromEnumerable(months), AirlineData.FirstOf1959);
        Report("airline, backtest from 1959-01", name, result.Steps.Select(s => s.Coverage).ToArray(), result.Overall.Coverage, result.Overall.MeanIntervalWidth, result.Overall.IntervalScore);
    }

    private void Drift(string name, Action<LstmForecastingOptions> change, ForecastScaling scaling)
    {
        AdaptiveBoundsTests.Point[] points = AdaptiveBoundsTests.Drifting(720, 2006, seed: 5);
        var o = new LstmForecastingOptions { InputColumnName = nameof(AdaptiveBoundsTests.Point.Value), Horizon = 6, Seasonality = 24, Network = { HiddenSize = 32 }, Epochs = 30, Seed = 1, Scaling = scaling };
        change(o);
        var ml = new MLContext(seed: 1);
        var model = ml.Forecasting.ForecastByLstm(o).Fit(ml.Data.LoadFromEnumerable(points[..720]));
        using var engine = model.CreateForecastEngine<AdaptiveBoundsTests.Point, BikeForecast>(ml);
        var (coverage, all, width, score) = Walk(engine, points[720..2720], p => p.Value, _ => engine.Predict(), o.ConfidenceLevel);
        Report($"synthetic: level ÷3, noise ×3 after Fit, 2,000 steps{(scaling == ForecastScaling.WindowMean ? ", Scaling WindowMean" : string.Empty)}", name, coverage, all, width, score);
    }
}
