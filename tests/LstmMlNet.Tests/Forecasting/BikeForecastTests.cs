using LstmMlNet.Forecasting;
using Xunit.Abstractions;

namespace LstmMlNet.Tests.Forecasting;

/// <summary>
/// ML.NET's bike-demand forecasting tutorial (window 7, horizon 7) with honest alignment: train on 2011 (365 days), then
/// for every day of 2012 forecast it (and the 6 after it) from the days before it only, compare, and update the engine
/// with the day. The tutorial's ForecastBySsa figures (MAE 726.4, RMSE 987.7) compare the forecast read after consuming
/// day t with day t itself (see ../shared/data/README.md), an alignment in which yesterday's value scores 0. The
/// univariate model is asserted below them in that alignment and below both naive forecasts in the honest one; the
/// covariate model is asserted below them honestly. Its covariates are the calendar and the day's observed weather,
/// standing in for a weather forecast (a perfect one): real forecasts would do worse.
/// </summary>
public sealed class BikeForecastTests(ITestOutputHelper output)
{
    private static LstmForecastingOptions Options() => new() { InputColumnName = nameof(BikeDay.Count), WindowSize = 7, Horizon = 7, Seed = 1 };

    /// <summary>Naive baselines on 2012: yesterday's count, and the count of the same weekday a week before.</summary>
    private static (double Mae, double Rmse) Naive(int lag)
    {
        BikeDay[] days = BikeData.Days();
        int first = days.Count(d => d.Year == 0);
        var actual = days[first..].Select(d => d.Count).ToArray();
        var forecast = Enumerable.Range(first, actual.Length).Select(i => days[i - lag].Count).ToArray();
        return (ForecastMetrics.MeanAbsoluteError(actual, forecast), ForecastMetrics.RootMeanSquaredError(actual, forecast));
    }

    /// <summary>MAE over every 2012 origin with 7 days of data and all 7 steps: the day before the origin repeated, or the
    /// same weekday a week before each target.</summary>
    private static double NaiveMae7(bool repeatLast)
    {
        BikeDay[] days = BikeData.Days();
        int first = days.Count(d => d.Year == 0);
        var actual = new List<float>();
        var forecast = new List<float>();
        for (int d = first; d + 7 <= days.Length; d++)
        {
            for (int k = 0; k < 7; k++)
            {
                actual.Add(days[d + k].Count);
                forecast.Add(repeatLast ? days[d - 1].Count : days[d + k - 7].Count);
            }
        }
        return ForecastMetrics.MeanAbsoluteError(actual, forecast);
    }

    [Fact]
    public void Naive_seven_step_baselines_are_the_documented_figures()
    {
        Assert.Equal(1114.7, NaiveMae7(repeatLast: true), 1);
        Assert.Equal(1112.0, NaiveMae7(repeatLast: false), 1);
    }

    [Fact]
    public void Univariate_defaults_beat_both_naive_forecasts_and_cover_at_least_90_percent()
    {
        var yesterday = Naive(1);
        var lastWeek = Naive(7);
        BikeFigures lstm = BikeEvaluation.Run(Options());
        output.WriteLine($"naive yesterday MAE {yesterday.Mae:F1} RMSE {yesterday.Rmse:F1}; same day last week MAE {lastWeek.Mae:F1} RMSE {lastWeek.Rmse:F1}");
        output.WriteLine($"ForecastByLstm (W=7, h=7, defaults): {lstm}");
        output.WriteLine("ForecastBySsa tutorial (misaligned, see data README): MAE 726.4 RMSE 987.7");
        Assert.Equal(870.2, yesterday.Mae, 1);
        Assert.Equal(1110.4, lastWeek.Mae, 1);
        // Measured (seed 1): MAE 776.7, RMSE 1128.9, 7-step MAE 912.7, coverage 0.978 / 0.979; tutorial alignment MAE
        // 544.1, RMSE 844.2 (seeds 2 and 3, honest: 800.6 / 1131.8 and 778.5 / 1153.4). With W = 14: 797.0 / 1197.3, and
        // 605.6 / 993.8 in the tutorial's alignment. A least-squares AR(7) fitted on 2011 scores 819.9 / 1106.3 honestly.
        Assert.True(lstm.Mae1 < yesterday.Mae && lstm.Rmse1 < yesterday.Rmse, lstm.ToString());
        Assert.True(lstm.Mae1 < lastWeek.Mae && lstm.Rmse1 < lastWeek.Rmse, lstm.ToString());
        Assert.True(lstm.Mae7 < 980, lstm.ToString());
        // 7-step baselines over the same origins and steps: 1114.7 (yesterday's value for all 7 days) and 1112.0 (last week).
        Assert.True(lstm.Mae7 < NaiveMae7(repeatLast: true) && lstm.Mae7 < NaiveMae7(repeatLast: false), lstm.ToString());
        Assert.True(lstm.Coverage1 >= 0.90 && lstm.Coverage7 >= 0.90, lstm.ToString());
        Assert.True(lstm.TutorialMae < 726.4 - 60 && lstm.TutorialRmse < 987.7 - 60, lstm.ToString());
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
        BikeFigures lstm = RunWithCovariates(Options(), "W=7, h=7, defaults");
        // Measured (seed 1): MAE 697.9, RMSE 910.0, 7-step MAE 805.9, coverage 0.978 / 0.989 (seeds 2 and 3: 706.7 / 928.3
        // and 690.8 / 916.5). With W = 14: 714.1 / 952.7 (seeds 2 and 3: 718.8 / 956.5 and 713.4 / 985.1); without the
        // covariate weight decay (CovariateWeightDecay null): 790.0 / 1047.1; before covariates entered relative to the
        // window's last step and had the linear step path: 951.4 / 1227.9.
        Assert.True(lstm.Mae1 < 726.4 && lstm.Rmse1 < 987.7, lstm.ToString());
        Assert.True(lstm.Mae7 < 900, lstm.ToString());
    }
}
