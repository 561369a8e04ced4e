using Microsoft.ML;
using LstmMlNet.Tests.Infrastructure;
using Microsoft.ML.Data;

namespace LstmMlNet.Tests.Forecasting;

/// <summary>The baseline guard (<see cref="LstmForecastingOptions.BaselineGuard"/>): a network that cannot beat the seasonal
/// naive forecast on the validation tail is replaced by it, visibly, in the saved scoring model too.</summary>
public sealed class BaselineGuardTests
{
    public sealed class Point
    {
        public float Value { get; set; }
    }

    /// <summary>A noiseless period-12 cycle: the seasonal naive forecast is exact, so no trained correction can beat it.</summary>
    private static Point[] Cycle(int count) =>
        Enumerable.Range(0, count).Select(t => new Point { Value = 50f + 10f * MathF.Sin(2 * MathF.PI * t / 12) + 3f * (t % 12 == 5 ? 1 : 0) }).ToArray();

    private static LstmForecastingOptions Options(bool guard) => new()
    {
        InputColumnName = nameof(Point.Value), Horizon = 4, Seasonality = 12, WindowSize = 24, Baseline = ForecastBaseline.SeasonalNaive,
        Network = { HiddenSize = 8 }, Epochs = 2, MinimumOptimizerSteps = 0, LearningRate = 0.05, Seed = 1, BaselineGuard = guard,
    };

    [Fact]
    public void A_network_worse_than_seasonal_naive_on_validation_forecasts_seasonal_naive()
    {
        Point[] points = Cycle(240);
        var ml = new MLContext(seed: 1);
        LstmForecastingTransformer model = ml.Forecasting.ForecastByLstm(Options(guard: true)).Fit(ml.Data.LoadFromEnumerable(points));
        ForecastFitReport report = model.FitReport;
        Assert.Equal(0f, report.NetworkWeight);
        Assert.NotNull(report.NetworkValidationError);
        Assert.True(report.BaselineValidationError < report.NetworkValidationError, $"{report.BaselineValidationError} vs {report.NetworkValidationError}");
        // The last value was weighed too, and lost to the exact seasonal naive forecast.
        Assert.Equal(0, report.AlternativePeriod);
        Assert.Equal(0f, report.AlternativeWeight);
        Assert.True(report.BaselineValidationError < report.AlternativeValidationError, $"{report.BaselineValidationError} vs {report.AlternativeValidationError}");

        // The saved scoring model forecasts the seasonal naive values: each step repeats the value one season before it.
        float[] window = points[^24..].Select(p => p.Value).ToArray();
        var input = new[] { new LstmForecastInput { Window = window } };
        float[] forecast = model.ScoringModel.Transform(ml.Data.LoadFromEnumerable(input, model.ScoringInputSchemaDefinition))
            .GetColumn<float[]>("Forecast").Single();
        for (int k = 0; k < 4; k++) Assert.Equal(window[24 - 12 + k], forecast[k], 3);
    }

    /// <summary>A level that holds for 37 steps, then moves by ±5: the last value is exact except across a move, while the
    /// seasonal naive forecast the network was told to correct is wrong for a whole season after each.</summary>
    private static Point[] Steps(int count) =>
        Enumerable.Range(0, count).Select(t => new Point { Value = 50f + 5f * MathF.Sign(MathF.Sin(t / 37 * 1.3f + 0.4f)) * (t / 37 % 3) }).ToArray();

    [Fact]
    public void A_network_that_corrects_seasonal_naive_but_loses_to_the_last_value_forecasts_the_last_value()
    {
        Point[] points = Steps(360);
        var ml = new MLContext(seed: 1);
        var log = new List<string>();
        ml.Log += (_, e) => { if (e.Message.Contains("baseline guard")) log.Add(e.Message); };
        LstmForecastingTransformer model = ml.Forecasting.ForecastByLstm(Options(guard: true)).Fit(ml.Data.LoadFromEnumerable(points));
        ForecastFitReport report = model.FitReport;
        Assert.Equal(12, report.SeasonalBaselinePeriod);
        Assert.Equal(0, report.AlternativePeriod); // the last value
        Assert.Equal((0f, 1f), (report.NetworkWeight, report.AlternativeWeight));
        Assert.True(report.AlternativeValidationError < report.BaselineValidationError, $"{report.AlternativeValidationError} vs {report.BaselineValidationError}");
        Assert.True(report.AlternativeValidationError < report.NetworkValidationError, $"{report.AlternativeValidationError} vs {report.NetworkValidationError}");
        Assert.Contains(log, m => m.Contains("the network does not beat the last value forecast: forecasting with the last value forecast alone"));

        // The saved model, loaded in a new context, repeats the last value at every step.
        float[] window = points[^24..].Select(p => p.Value).ToArray();
        window[^1] = 61.5f; // a value the series never took: the forecast follows the window, not the training data
        var input = new[] { new LstmForecastInput { Window = window } };
        var (other, loaded) = SavedModel.LoadInNewContext(ml, model, model.ScoringInputSchema);
        using var release = Released.After(loaded);
        float[] forecast = loaded.Transform(other.Data.LoadFromEnumerable(input, model.ScoringInputSchemaDefinition)).GetColumn<float[]>("Forecast").Single();
        Assert.All(forecast, f => Assert.Equal(61.5f, f, 3));
    }

    [Fact]
    public void Without_the_guard_the_same_fit_keeps_the_network()
    {
        var ml = new MLContext(seed: 1);
        LstmForecastingTransformer model = ml.Forecasting.ForecastByLstm(Options(guard: false)).Fit(ml.Data.LoadFromEnumerable(Cycle(240)));
        Assert.Equal(1f, model.FitReport.NetworkWeight);
        Assert.Null(model.FitReport.NetworkValidationError);
    }
}
