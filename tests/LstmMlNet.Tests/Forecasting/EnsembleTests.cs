using LstmMlNet.Tests.Infrastructure;
using Microsoft.ML;

namespace LstmMlNet.Tests.Forecasting;

/// <summary><see cref="LstmForecastingOptions.EnsembleSize"/>: K networks from seeds Seed … Seed + K − 1, averaged in the
/// fitted graph, the saved model and the engine.</summary>
public sealed class EnsembleTests
{
    private static LstmForecastingOptions Options(int members, int seed) => new()
    {
        InputColumnName = nameof(ForecastEngineTests.Point.Value), WindowSize = 12, Horizon = 4, Seasonality = 12, Network = { HiddenSize = 8 }, Epochs = 4,
        MinimumOptimizerSteps = 0, Seed = seed, EnsembleSize = members, TargetTransform = ForecastTargetTransform.None,
        BaselineGuard = false, ModelSelection = ForecastModelSelection.LastEpoch,
    };

    private static LstmForecastingTransformer Fit(LstmForecastingOptions options, ForecastEngineTests.Point[] points)
    {
        var ml = new MLContext(seed: 1);
        return ml.Forecasting.ForecastByLstm(options).Fit(ml.Data.LoadFromEnumerable(points));
    }

    private static float[] Forecast(MLContext ml, ITransformer scoring, int horizon, float[] window)
    {
        using var prediction = ml.Model.CreatePredictionEngine<LstmForecastInput, ForecastEngineTests.ForecastOutput>(scoring,
            inputSchemaDefinition: LstmForecastInput.SchemaFor(window.Length, horizon, 0));
        return prediction.Predict(new LstmForecastInput { Window = window }).Forecast;
    }

    [Fact]
    public void Two_members_forecast_the_mean_of_the_two_networks_fitted_alone_through_a_saved_model()
    {
        ForecastEngineTests.Point[] points = ForecastEngineTests.Points(200, 3);
        LstmForecastingTransformer first = Fit(Options(1, 5), points), second = Fit(Options(1, 6), points), both = Fit(Options(2, 5), points);

        ForecastFitReport report = both.FitReport;
        Assert.Equal(2, report.MemberHistories.Count);
        Assert.Equal(new[] { 4, 4 }, report.MemberBestEpochs);
        Assert.Equal(first.FitReport.History.Select(e => e.TrainLoss), report.MemberHistories[0].Select(e => e.TrainLoss));
        Assert.Equal(second.FitReport.History.Select(e => e.TrainLoss), report.MemberHistories[1].Select(e => e.TrainLoss));
        Assert.Equal(2 * first.FitReport.Parameters, report.Parameters);

        // The saved ensemble, loaded by a context that never fitted anything, forecasts the members' mean (with no target
        // transform and the whole network kept, the forecast is linear in the network's output).
        var ml = new MLContext(seed: 1);
        var (other, loaded) = SavedModel.LoadInNewContext(ml, both, both.ScoringInputSchema);
        using var release = Released.After(loaded);
        float[] window = points[^12..].Select(p => p.Value).ToArray();
        float[] a = Forecast(ml, first.ScoringModel, 4, window), b = Forecast(ml, second.ScoringModel, 4, window), mean = Forecast(other, loaded, 4, window);
        Assert.True(a.Zip(b, (x, y) => Math.Abs(x - y)).Max() > 1e-3, "the two seeds' networks differ");
        for (int k = 0; k < 4; k++) Assert.Equal((a[k] + b[k]) / 2, mean[k], 3);

        // The engine continues from the end of the series with the same averaged network.
        using var engine = both.CreateForecastEngine<ForecastEngineTests.Point, ForecastEngineTests.ForecastOutput>(ml);
        float[] fromEngine = engine.Predict().Forecast;
        for (int k = 0; k < 4; k++) Assert.Equal(mean[k], fromEngine[k], 4);
    }

    [Fact]
    public void RefitOnAllData_refits_every_member_and_keeps_the_calibration()
    {
        ForecastEngineTests.Point[] points = ForecastEngineTests.Points(200, 5);
        LstmForecastingTransformer once = Fit(Options(2, 8), points);
        LstmForecastingOptions refitOptions = Options(2, 8);
        refitOptions.RefitOnAllData = true;
        LstmForecastingTransformer refitted = Fit(refitOptions, points);
        Assert.Equal(once.FitReport.Quantiles, refitted.FitReport.Quantiles);
        Assert.Equal(2, refitted.FitReport.MemberHistories.Count);
        var ml = new MLContext(seed: 1);
        float[] window = points[^12..].Select(p => p.Value).ToArray();
        float[] before = Forecast(ml, once.ScoringModel, 4, window), after = Forecast(ml, refitted.ScoringModel, 4, window);
        Assert.True(before.Zip(after, (a, b) => Math.Abs(a - b)).Max() > 1e-3, "the refitted members forecast differently");
        Assert.All(after, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void One_member_is_the_single_network_fit()
    {
        ForecastEngineTests.Point[] points = ForecastEngineTests.Points(160, 4);
        LstmForecastingTransformer single = Fit(Options(1, 7), points);
        Assert.Single(single.FitReport.MemberHistories);
        Assert.Equal(single.FitReport.BestEpoch, single.FitReport.MemberBestEpochs.Single());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(101)]
    public void A_bad_ensemble_size_is_named(int members)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().Forecasting.ForecastByLstm(Options(members, 1)));
        Assert.Contains(nameof(LstmForecastingOptions.EnsembleSize), error.Message);
    }
}
