using LstmMlNet.Forecasting;
using Xunit.Abstractions;

namespace LstmMlNet.Tests.Forecasting;

/// <summary>
/// ML.NET's bike-demand forecasting tutorial with honest alignment: train on 2011 (365 days), then for every day of
/// 2012 forecast it (and the 6 after it) from the days before it only, compare, and update the engine with the day.
/// The tutorial's ForecastBySsa figures (MAE 726.4, RMSE 987.7) compare a forecast with a day the model had already
/// consumed (see ../shared/data/README.md); the issue names them as the bar: the covariate model with the defaults
/// is asserted below them. Its covariates are the calendar and the
/// day's observed weather, standing in for a weather forecast (a perfect one): real forecasts would do worse.
/// </summary>
public sealed class BikeForecastTests(ITestOutputHelper output)
{
    private static LstmForecastingOptions Options() => new() { InputColumnName = nameof(BikeDay.Count), WindowSize = 14, Horizon = 7, Seed = 1 };

    /// <summary>Naive baselines on 2012: yesterday's count, and the count of the same weekday a week before.</summary>
    private static (double Mae, double Rmse) Naive(int lag)
    {
        BikeDay[] days = BikeData.Days();
        int first = days.Count(d => d.Year == 0);
        var actual = days[first..].Select(d => d.Count).ToArray();
        var forecast = Enumerable.Range(first, actual.Length).Select(i => days[i - lag].Count).ToArray();
        return (ForecastMetrics.MeanAbsoluteError(actual, forecast), ForecastMetrics.RootMeanSquaredError(actual, forecast));
    }

    [Fact]
    public void Univariate_defaults_beat_both_naive_forecasts_and_cover_at_least_90_percent()
    {
        var yesterday = Naive(1);
        var lastWeek = Naive(7);
        BikeFigures lstm = BikeEvaluation.Run(Options());
        output.WriteLine($"naive yesterday MAE {yesterday.Mae:F1} RMSE {yesterday.Rmse:F1}; same day last week MAE {lastWeek.Mae:F1} RMSE {lastWeek.Rmse:F1}");
        output.WriteLine($"ForecastByLstm (W=14, h=7, defaults): {lstm}");
        output.WriteLine("ForecastBySsa tutorial (misaligned, see data README): MAE 726.4 RMSE 987.7");
        Assert.Equal(870.2, yesterday.Mae, 1);
        Assert.Equal(1110.4, lastWeek.Mae, 1);
        // Measured (seed 1): MAE 797.0, RMSE 1197.3, 7-step MAE 910.3, coverage 0.978 / 0.981 (with WeightDecay 1e-3:
        // 797.2, 1191.3, 892.2, 0.986 / 0.980).
        Assert.True(lstm.Mae1 < yesterday.Mae && lstm.Rmse1 < yesterday.Rmse, lstm.ToString());
        Assert.True(lstm.Mae1 < lastWeek.Mae && lstm.Rmse1 < lastWeek.Rmse, lstm.ToString());
        Assert.True(lstm.Mae7 < 980, lstm.ToString());
        Assert.True(lstm.Coverage1 >= 0.90 && lstm.Coverage7 >= 0.90, lstm.ToString());
    }

    private BikeFigures RunWithCovariates(LstmForecastingOptions options, string what)
    {
        options.CovariateColumnNames = BikeData.WeatherCovariates;
        BikeFigures lstm = BikeEvaluation.Run(options);
        var yesterday = Naive(1);
        var lastWeek = Naive(7);
        output.WriteLine($"ForecastByLstm ({what}) with covariates {string.Join(", ", options.CovariateColumnNames)} (the day's observed weather standing in for a weather forecast): {lstm}");
        output.WriteLine($"naive yesterday MAE {yesterday.Mae:F1} RMSE {yesterday.Rmse:F1}; same day last week MAE {lastWeek.Mae:F1} RMSE {lastWeek.Rmse:F1}; ForecastBySsa tutorial MAE 726.4 RMSE 987.7");
        Assert.True(lstm.Mae1 < yesterday.Mae && lstm.Rmse1 < yesterday.Rmse, lstm.ToString());
        Assert.True(lstm.Mae1 < lastWeek.Mae && lstm.Rmse1 < lastWeek.Rmse, lstm.ToString());
        Assert.True(lstm.Coverage1 >= 0.90 && lstm.Coverage7 >= 0.90, lstm.ToString());
        return lstm;
    }

    [Fact]
    public void Covariate_model_with_defaults_beats_the_naive_forecasts_and_the_ssa_tutorial_figures()
    {
        BikeFigures lstm = RunWithCovariates(Options(), "W=14, h=7, defaults");
        // Measured (seed 1): MAE 714.1, RMSE 952.7, 7-step MAE 855.4, coverage 0.984 / 0.983 (seeds 2 and 3: 718.8 / 956.5
        // and 713.4 / 985.1). Without the covariate weight decay (CovariateWeightDecay null): 790.0 / 1047.1. Before
        // covariates entered relative to the window's last step and had the linear step path: 951.4 / 1227.9.
        Assert.True(lstm.Mae1 < 726.4 && lstm.Rmse1 < 987.7, lstm.ToString());
        Assert.True(lstm.Mae7 < 900, lstm.ToString());
    }
}
