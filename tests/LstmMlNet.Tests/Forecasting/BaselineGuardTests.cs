using Microsoft.ML;
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

        // The saved scoring model forecasts the seasonal naive values: each step repeats the value one season before it.
        float[] window = points[^24..].Select(p => p.Value).ToArray();
        var input = new[] { new LstmForecastInput { Window = window } };
        float[] forecast = model.ScoringModel.Transform(ml.Data.LoadFromEnumerable(input, model.ScoringInputSchemaDefinition))
            .GetColumn<float[]>("Forecast").Single();
        for (int k = 0; k < 4; k++) Assert.Equal(window[24 - 12 + k], forecast[k], 3);
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
