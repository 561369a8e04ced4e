using LstmMlNet.Forecasting;
using Xunit.Abstractions;

namespace LstmMlNet.Tests.Forecasting;

/// <summary>
/// ML.NET's bike-demand forecasting tutorial with honest alignment: train on 2011 (365 days), then for every day of
/// 2012 forecast it (and the 6 after it) from the days before it only, compare, and update the engine with the day.
/// The tutorial's ForecastBySsa figures (MAE 726.4, RMSE 987.7) compare a forecast with a day the model had already
/// consumed (see ../shared/data/README.md), so they are reported beside ours, not asserted against.
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
        // Measured (seed 1): MAE 797.0, RMSE 1197.3, 7-step MAE 910.3, coverage 0.978 / 0.981.
        Assert.True(lstm.Mae1 < yesterday.Mae && lstm.Rmse1 < yesterday.Rmse, lstm.ToString());
        Assert.True(lstm.Mae1 < lastWeek.Mae && lstm.Rmse1 < lastWeek.Rmse, lstm.ToString());
        Assert.True(lstm.Mae7 < 980, lstm.ToString());
        Assert.True(lstm.Coverage1 >= 0.90 && lstm.Coverage7 >= 0.90, lstm.ToString());
    }

    [Fact]
    public void Covariate_model_trains_and_keeps_its_coverage()
    {
        LstmForecastingOptions options = Options();
        options.CovariateColumnNames = BikeData.WeatherCovariates;
        BikeFigures lstm = BikeEvaluation.Run(options);
        output.WriteLine($"ForecastByLstm with covariates {string.Join(", ", options.CovariateColumnNames)} (the day's observed weather as a perfect forecast): {lstm}");
        // Measured (seed 1): MAE 951.4, RMSE 1227.9, 7-step MAE 992.1, coverage 0.995 / 0.990 — worse than the univariate
        // model's MAE (797.0): with these defaults the weather does not help yet (reported, not hidden).
        Assert.True(lstm.Rmse1 < 1300 && lstm.Mae1 < 1050, lstm.ToString());
        Assert.True(lstm.Coverage1 >= 0.90 && lstm.Coverage7 >= 0.90, lstm.ToString());
    }
}
