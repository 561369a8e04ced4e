using LstmMlNet.Forecasting;
using Microsoft.ML;
using Microsoft.ML.Data;
using static LstmMlNet.Tests.Forecasting.ForecastEngineTests;

namespace LstmMlNet.Tests.Forecasting;

/// <summary>Rolling-origin backtests on the small seasonal series of <see cref="ForecastEngineTests"/>.</summary>
public sealed class ForecastBacktestTests
{
    private static LstmForecastingOptions Options(int epochs) => new()
    {
        InputColumnName = nameof(Point.Value), WindowSize = 12, Horizon = 4, Network = { HiddenSize = 16 }, Epochs = epochs, MinimumOptimizerSteps = 0, Seed = 2,
    };

    private static ForecastOutput[] Scored(MLContext ml, ITransformer model, IDataView data) =>
        ml.Data.CreateEnumerable<ForecastOutput>(model.Transform(data), reuseRowObject: false).ToArray();

    [Fact]
    public void Fit_once_gives_the_transformers_forecasts_at_each_origin_and_the_hand_computed_errors()
    {
        Point[] points = Points(200, 1);
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(points);
        ForecastBacktestResult result = ForecastBacktest.Run(ml, Options(8), data, firstOrigin: 150, stride: 5, seasonality: 12);

        Assert.Equal(new[] { 150 }, result.FitOrigins);
        int[] origins = { 150, 155, 160, 165, 170, 175, 180, 185, 190, 195 }; // 195 + 4 ≤ 200; 200 has no actual values
        Assert.Equal(origins.SelectMany(o => Enumerable.Repeat(o, 4)), result.Forecasts.Select(f => f.Origin));
        Assert.Equal(40, result.Overall.Count);

        // The same forecasts as the fitted transformer's Transform on those rows, and a model fitted directly on the
        // first 150 rows (same seed) is the same model: nothing at or after the first origin was trained on.
        ForecastOutput[] scored = Scored(ml, result.LastModel, data);
        var direct = ml.Forecasting.ForecastByLstm(Options(8)).Fit(ml.Data.TakeRows(data, 150));
        ForecastOutput[] directScored = Scored(ml, direct, data);
        foreach (BacktestForecast f in result.Forecasts)
        {
            Assert.Equal(scored[f.Origin].Forecast[f.Step - 1], f.Forecast);
            if (f.Origin == 150)
            {
                // Issued before any observation was scored: Fit's split-conformal bounds, as Transform gives them; later
                // origins have adapted bounds (AdaptiveBoundsTests).
                Assert.Equal(scored[f.Origin].LowerBound[f.Step - 1], f.Lower);
                Assert.Equal(scored[f.Origin].UpperBound[f.Step - 1], f.Upper);
            }
            Assert.True(f.Lower < f.Forecast && f.Forecast < f.Upper);
            Assert.Equal(directScored[f.Origin].Forecast[f.Step - 1], f.Forecast);
            Assert.Equal(points[f.Origin + f.Step - 1].Value, f.Actual);
            Assert.Equal(f.Origin + f.Step - 1, f.Target);
        }

        // Errors by hand: step 2, and all steps.
        BacktestForecast[] step2 = origins.Select(o => result.Forecasts.Single(f => f.Origin == o && f.Step == 2)).ToArray();
        Assert.Equal(step2, result.AtStep(2));
        double mae = step2.Sum(f => Math.Abs((double)f.Actual - f.Forecast)) / 10;
        double mape = step2.Sum(f => 100 * Math.Abs((double)f.Actual - f.Forecast) / Math.Abs(f.Actual)) / 10;
        double rmse = Math.Sqrt(step2.Sum(f => Math.Pow((double)f.Actual - f.Forecast, 2)) / 10);
        double naive = Enumerable.Range(12, 150 - 12).Sum(t => Math.Abs((double)points[t].Value - points[t - 12].Value)) / (150 - 12);
        BacktestMetrics m2 = result.Steps[1];
        Assert.Equal(10, m2.Count);
        Assert.Equal(mae, m2.MeanAbsoluteError, 6);
        Assert.Equal(mape, m2.MeanAbsolutePercentageError, 6);
        Assert.Equal(rmse, m2.RootMeanSquaredError, 6);
        Assert.Equal(mae / naive, m2.MeanAbsoluteScaledError, 6);
        Assert.Equal(step2.Count(f => f.Lower <= f.Actual && f.Actual <= f.Upper) / 10.0, m2.Coverage, 12);
        Assert.Equal(rmse * rmse, m2.MeanSquaredError, 4);
        Assert.Equal(0, m2.ZeroActuals);
        Assert.Equal(step2.Average(f => (double)f.Upper - f.Lower), m2.MeanIntervalWidth, 4);
        double winkler = step2.Average(f => (double)f.Upper - f.Lower
            + (f.Actual < f.Lower ? 2 / 0.05 * ((double)f.Lower - f.Actual) : 0) + (f.Actual > f.Upper ? 2 / 0.05 * ((double)f.Actual - f.Upper) : 0));
        Assert.Equal(winkler, m2.IntervalScore, 3);
        double overallMae = result.Forecasts.Sum(f => Math.Abs((double)f.Actual - f.Forecast)) / 40;
        Assert.Equal(overallMae, result.Overall.MeanAbsoluteError, 6);
        Assert.Equal(ForecastMetrics.MeanAbsoluteScaledError(result.Forecasts.Select(f => f.Actual).ToArray(), result.Forecasts.Select(f => f.Forecast).ToArray(),
            points[..150].Select(p => p.Value).ToArray(), 12), result.Overall.MeanAbsoluteScaledError, 6);
        Assert.True(result.Overall.MeanAbsoluteError < 8, result.Overall.ToString()); // measured 6.17 (season ±10, noise ±1, 8 epochs: a sanity bound)
    }

    [Fact]
    public void A_series_with_zeros_gets_a_MAPE_over_its_non_zero_actuals_and_a_seasonal_MASE_never_NaN()
    {
        // Counts that are 0 on every seventh row (a closed day): MAPE over the other rows, with the zeros counted.
        Point[] points = Points(200, 3);
        for (int t = 0; t < points.Length; t += 7) points[t].Value = 0;
        var ml = new MLContext(seed: 1);
        ForecastBacktestResult result = ForecastBacktest.Run(ml, Options(2), ml.Data.LoadFromEnumerable(points), firstOrigin: 150);
        BacktestMetrics overall = result.Overall;
        var values = result.Forecasts;
        int zeros = values.Count(f => f.Actual == 0);
        Assert.True(zeros > 0);
        Assert.Equal(zeros, overall.ZeroActuals);
        var nonZero = values.Where(f => f.Actual != 0).ToArray();
        Assert.Equal(nonZero.Average(f => 100 * Math.Abs((double)f.Actual - f.Forecast) / Math.Abs(f.Actual)), overall.MeanAbsolutePercentageError, 6);
        int season = result.LastModel.FitReport.Seasonality; // the detected season scales MASE
        Assert.True(season >= 2);
        Assert.Equal(season, result.Seasonality);
        Assert.Equal(ForecastMetrics.MeanAbsoluteScaledError(values.Select(f => f.Actual).ToArray(), values.Select(f => f.Forecast).ToArray(),
            points[..150].Select(p => p.Value).ToArray(), season), overall.MeanAbsoluteScaledError, 6);
        foreach (BacktestMetrics m in result.Steps.Append(overall))
        {
            Assert.All(new[] { m.MeanAbsoluteError, m.MeanSquaredError, m.MeanAbsolutePercentageError, m.MeanAbsoluteScaledError, m.MeanIntervalWidth, m.IntervalScore },
                v => Assert.True(double.IsFinite(v)));
        }
        Assert.DoesNotContain("NaN", overall.ToString());
        Assert.Contains($"{zeros} zero left out", overall.ToString());
    }

    [Fact]
    public void Refitting_every_k_origins_trains_each_model_on_the_rows_before_its_origin()
    {
        Point[] points = Points(200, 1);
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(points);
        LstmForecastingOptions options = Options(2);
        options.BaselineGuard = false; // every model forecasts with its own network (the guard could keep the baseline for all)
        ForecastBacktestResult result = ForecastBacktest.Run(ml, options, data, firstOrigin: 150, stride: 5, refitEvery: 4);

        Assert.Equal(new[] { 150, 170, 190 }, result.FitOrigins);
        // The last model saw rows 0..189: tail ⌈0.2·190⌉ = 38, so training windows end at 12..148 (targets < 152).
        Assert.Equal(137, result.LastModel.FitReport.TrainingWindows);
        ForecastOutput[] last = Scored(ml, result.LastModel, data);
        foreach (BacktestForecast f in result.Forecasts.Where(f => f.Origin >= 190))
            Assert.Equal(last[f.Origin].Forecast[f.Step - 1], f.Forecast);
        // Origins before 190 came from the earlier models.
        Assert.Contains(result.Forecasts.Where(f => f.Origin < 170), f => f.Forecast != last[f.Origin].Forecast[f.Step - 1]);
        Assert.Equal(40, result.Forecasts.Count);
    }

    [Fact]
    public void A_global_model_is_backtested_per_series()
    {
        Point[] points = Points(120, 1, "low", 100f).Concat(Points(120, 2, "high", 1000f)).ToArray();
        LstmForecastingOptions options = Options(2);
        options.SeriesIdColumnName = nameof(Point.Series);
        var ml = new MLContext(seed: 1);
        ForecastBacktestResult result = ForecastBacktest.Run(ml, options, ml.Data.LoadFromEnumerable(points), firstOrigin: 100, stride: 4);

        int[] origins = { 100, 104, 108, 112, 116 };
        Assert.Equal(2 * origins.Length * 4, result.Forecasts.Count);
        Assert.Equal(new[] { "low", "high" }, result.Forecasts.Select(f => f.SeriesId).Distinct());
        foreach (BacktestForecast f in result.Forecasts)
        {
            int offset = f.SeriesId == "low" ? 0 : 120;
            Assert.Equal(points[offset + f.Target].Value, f.Actual);
        }
        Assert.All(result.Forecasts.Where(f => f.SeriesId == "high"), f => Assert.InRange(f.Forecast, 900f, 1150f));
    }

    [Fact]
    public void Bad_arguments_throw_naming_the_argument()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(Points(200, 1));
        var early = Assert.Throws<ArgumentOutOfRangeException>(() => ForecastBacktest.Run(ml, Options(1), data, firstOrigin: 30));
        Assert.Equal("firstOrigin", early.ParamName);
        Assert.Contains("need at least 39", early.Message); // 12 + 4 + max(⌈0.2·30⌉, 4 + 20 − 1) = 39
        var late = Assert.Throws<ArgumentOutOfRangeException>(() => ForecastBacktest.Run(ml, Options(1), data, firstOrigin: 197));
        Assert.Equal("firstOrigin", late.ParamName);
        Assert.Contains("beyond the data", late.Message);
        Assert.Contains("196", late.Message);
        Assert.Equal("firstOrigin", Assert.Throws<ArgumentOutOfRangeException>(() => ForecastBacktest.Run(ml, Options(1), data, firstOrigin: -1)).ParamName);
        Assert.Equal("stride", Assert.Throws<ArgumentOutOfRangeException>(() => ForecastBacktest.Run(ml, Options(1), data, 150, stride: 0)).ParamName);
        Assert.Equal("refitEvery", Assert.Throws<ArgumentOutOfRangeException>(() => ForecastBacktest.Run(ml, Options(1), data, 150, refitEvery: -1)).ParamName);
        Assert.Equal("seasonality", Assert.Throws<ArgumentOutOfRangeException>(() => ForecastBacktest.Run(ml, Options(1), data, 150, seasonality: -1)).ParamName);
        Assert.Equal("data", Assert.Throws<ArgumentNullException>(() => ForecastBacktest.Run(ml, Options(1), null!, 150)).ParamName);
        var empty = Assert.Throws<ArgumentException>(() => ForecastBacktest.Run(ml, Options(1), ml.Data.LoadFromEnumerable(Array.Empty<Point>()), 150));
        Assert.Equal("data", empty.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => ForecastBacktest.Run(ml, Options(1), data, 150).AtStep(5));
    }
}
