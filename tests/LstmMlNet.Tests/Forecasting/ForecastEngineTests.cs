using LstmMlNet.Tests.Infrastructure;
using LstmMlNet.Forecasting;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmMlNet.Tests.Forecasting;

/// <summary>Engine state, persistence, alignment, many series and bad input, on a small seasonal series.</summary>
public sealed class ForecastEngineTests
{
    public sealed class Point
    {
        public float Value { get; set; }
        public float Phase { get; set; }
        public string Series { get; set; } = "a";
    }

    public sealed class ForecastOutput
    {
        public float[] Forecast { get; set; } = Array.Empty<float>();
        public float[] LowerBound { get; set; } = Array.Empty<float>();
        public float[] UpperBound { get; set; } = Array.Empty<float>();
    }

    /// <summary>A period-12 seasonal series with a trend and seeded noise; Phase is the covariate cos(2πt/12).</summary>
    internal static Point[] Points(int count, int seed, string series = "a", float level = 100f)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(t => new Point
        {
            Value = level + 0.2f * t + 10f * MathF.Sin(2 * MathF.PI * t / 12) + (float)(random.NextDouble() * 2 - 1),
            Phase = MathF.Cos(2 * MathF.PI * t / 12),
            Series = series,
        }).ToArray();
    }

    private static LstmForecastingOptions Options(int epochs = 8) => new()
    {
        InputColumnName = nameof(Point.Value), WindowSize = 12, Horizon = 4, Network = { HiddenSize = 16 }, Epochs = epochs, MinimumOptimizerSteps = 0, Seed = 2,
    };

    private static (MLContext Ml, LstmForecastingTransformer Model) Fit(LstmForecastingOptions options, Point[] points)
    {
        var ml = new MLContext(seed: 1);
        return (ml, ml.Forecasting.ForecastByLstm(options).Fit(ml.Data.LoadFromEnumerable(points)));
    }

    [Fact]
    public void CheckPoint_and_load_continue_with_the_same_state_and_forecasts()
    {
        Point[] points = Points(200, 1);
        var (ml, model) = Fit(Options(), points);
        using var engine = model.CreateForecastEngine<Point, ForecastOutput>(ml);
        Assert.Equal(points[^12..].Select(p => p.Value), engine.History);
        ForecastOutput first = engine.Predict();
        Assert.Equal(4, first.Forecast.Length);
        Assert.All(Enumerable.Range(0, 4), k => Assert.True(first.LowerBound[k] < first.Forecast[k] && first.Forecast[k] < first.UpperBound[k]));
        foreach (Point p in Points(3, 9)) engine.Update(p);
        Assert.NotEqual(first.Forecast, engine.Predict().Forecast);

        string path = Path.Combine(Path.GetTempPath(), $"lstm-forecast-{Guid.NewGuid():N}.zip");
        try
        {
            engine.CheckPoint(path);
            using var loaded = LstmForecastEngine.Load<Point, ForecastOutput>(new MLContext(), path);
            Assert.Equal(engine.History, loaded.History);
            Assert.Equal(engine.Predict().Forecast, loaded.Predict().Forecast);
            Assert.Equal(engine.Predict().UpperBound, loaded.Predict().UpperBound);
            var next = new Point { Value = 140f };
            engine.Update(next);
            loaded.Update(next);
            Assert.Equal(engine.Predict().Forecast, loaded.Predict().Forecast);
            Assert.Equal(engine.Predict().Forecast[..2], loaded.Predict(2).Forecast);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Saved_model_loads_with_plain_ml_Model_Load_as_the_window_scoring_model()
    {
        Point[] points = Points(200, 1);
        var (ml, model) = Fit(Options(), points);
        using var engine = model.CreateForecastEngine<Point, ForecastOutput>(ml);
        var (other, loaded) = SavedModel.LoadInNewContext(ml, model, model.ScoringInputSchema);
        using var releaseLoaded = Released.After(loaded);
        using var prediction = other.Model.CreatePredictionEngine<LstmForecastInput, ForecastOutput>(loaded, inputSchemaDefinition: LstmForecastInput.SchemaFor(12, 4, 0));
        ForecastOutput direct = prediction.Predict(new LstmForecastInput { Window = points[^12..].Select(p => p.Value).ToArray() });
        Assert.Equal(engine.Predict().Forecast, direct.Forecast);
    }

    [Fact]
    public void Transform_puts_on_row_t_the_forecast_made_from_the_rows_before_it()
    {
        Point[] points = Points(200, 1);
        var (ml, model) = Fit(Options(), points);
        IDataView scored = model.Transform(ml.Data.LoadFromEnumerable(points));
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 4), scored.Schema["Forecast"].Type);
        ForecastOutput[] rows = ml.Data.CreateEnumerable<ForecastOutput>(scored, reuseRowObject: false).ToArray();
        Assert.Equal(points.Length, rows.Length);
        Assert.All(rows[..12], r => Assert.All(r.Forecast, v => Assert.True(float.IsNaN(v))));
        using var prediction = ml.Model.CreatePredictionEngine<LstmForecastInput, ForecastOutput>(model.ScoringModel, inputSchemaDefinition: model.ScoringInputSchemaDefinition);
        foreach (int t in new[] { 12, 57, 199 })
        {
            var expected = prediction.Predict(new LstmForecastInput { Window = points[(t - 12)..t].Select(p => p.Value).ToArray() });
            Assert.Equal(expected.Forecast, rows[t].Forecast);
            Assert.Equal(expected.LowerBound, rows[t].LowerBound);
        }
        // A trend-and-season series the model should follow closely one step ahead.
        float[] actual = points[12..].Select(p => p.Value).ToArray();
        double mae = ForecastMetrics.MeanAbsoluteError(actual, rows[12..].Select(r => r.Forecast[0]).ToArray());
        Assert.True(mae < 5.0, // measured 3.54 after 8 epochs
             $"one-step MAE {mae:F3} on a series with noise ±1 and season ±10");
    }

    [Fact]
    public void A_global_model_forecasts_each_series_on_its_own_scale()
    {
        Point[] points = Points(150, 1, "low", 100f).Concat(Points(150, 2, "high", 1000f)).ToArray();
        LstmForecastingOptions options = Options(12);
        options.SeriesIdColumnName = nameof(Point.Series);
        options.CovariateColumnNames = new[] { nameof(Point.Phase) };
        var (ml, model) = Fit(options, points);
        Assert.Equal(new[] { "low", "high" }, model.SeriesIds);
        var error = Assert.Throws<ArgumentException>(() => model.CreateForecastEngine<Point, ForecastOutput>(ml));
        Assert.Contains("2 series", error.Message);
        Assert.Throws<ArgumentException>(() => model.CreateForecastEngine<Point, ForecastOutput>(ml, "missing"));
        using var low = model.CreateForecastEngine<Point, ForecastOutput>(ml, "low");
        using var high = model.CreateForecastEngine<Point, ForecastOutput>(ml, "high");
        Assert.Throws<InvalidOperationException>(() => low.Predict());
        Point[] future = Points(154, 1)[150..];
        float lowNext = low.Predict(future).Forecast[0];
        float highNext = high.Predict(future).Forecast[0];
        Assert.InRange(lowNext, 110f, 150f);
        Assert.InRange(highNext, 950f, 1110f); // level 1030 at t = 150, season 0
    }

    [Fact]
    public void Bad_input_gets_errors_that_name_the_column_or_row()
    {
        var ml = new MLContext(seed: 1);
        Point[] points = Points(200, 1);
        points[57].Value = float.NaN;
        var nan = Assert.Throws<InvalidOperationException>(() => ml.Forecasting.ForecastByLstm(Options()).Fit(ml.Data.LoadFromEnumerable(points)));
        Assert.Contains("'Value'", nan.Message);
        Assert.Contains("row 57", nan.Message);

        var shortSeries = Assert.Throws<InvalidOperationException>(() => ml.Forecasting.ForecastByLstm(Options()).Fit(ml.Data.LoadFromEnumerable(Points(30, 1))));
        Assert.Contains("need at least", shortSeries.Message);

        LstmForecastingOptions wrongColumn = Options();
        wrongColumn.InputColumnName = nameof(Point.Series);
        var type = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.ForecastByLstm(wrongColumn).Fit(ml.Data.LoadFromEnumerable(Points(200, 1))));
        Assert.Contains("'Series'", type.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.ForecastByLstm("F", "Value", windowSize: 1, horizon: 3));

        var (context, model) = Fit(Options(2), Points(200, 1));
        using var engine = model.CreateForecastEngine<Point, ForecastOutput>(context);
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.Predict(5));
        var update = Assert.Throws<ArgumentException>(() => engine.Update(new Point { Value = float.PositiveInfinity }));
        Assert.Contains("'Value'", update.Message);

        string path = Path.Combine(Path.GetTempPath(), $"lstm-forecast-{Guid.NewGuid():N}.zip");
        try
        {
            engine.CheckPoint(path);
            CheckpointEdit.RewriteState(path, json =>
            {
                Assert.Contains("\"FormatVersion\":2", json);
                return json.Replace("\"FormatVersion\":2", "\"FormatVersion\":1"); // as the previous version wrote it
            });
            var version = Assert.Throws<InvalidDataException>(() => LstmForecastEngine.Load<Point, ForecastOutput>(new MLContext(), path));
            Assert.Contains("format 1; this LstmMlNet reads format 2", version.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MinimumOptimizerSteps_raises_the_epochs_of_a_short_series_only()
    {
        Point[] points = Points(120, 1); // tail 24: 81 training windows, 3 batches of 32 an epoch
        var ml = new MLContext(seed: 1);
        LstmForecastingOptions options = Options();
        options.MinimumOptimizerSteps = 30;
        var estimator = ml.Forecasting.ForecastByLstm(options);
        estimator.Fit(ml.Data.LoadFromEnumerable(points));
        Assert.Equal(81, estimator.LastFitReport!.TrainingWindows);
        Assert.Equal(10, estimator.LastFitReport.History.Count); // ⌈30 / 3⌉ > 8
        options.MinimumOptimizerSteps = 24; // 8 epochs already take 24 steps
        estimator = ml.Forecasting.ForecastByLstm(options);
        estimator.Fit(ml.Data.LoadFromEnumerable(points));
        Assert.Equal(8, estimator.LastFitReport!.History.Count);
    }

    [Fact]
    public void RefitOnAllData_keeps_the_first_fits_calibration_and_changes_the_forecast()
    {
        Point[] points = Points(120, 1);
        var (ml, once) = Fit(Options(), points);
        LstmForecastingOptions refitOptions = Options();
        refitOptions.RefitOnAllData = true;
        var (_, refit) = Fit(refitOptions, points);
        Assert.Equal(once.FitReport.Quantiles, refit.FitReport.Quantiles);
        using var a = once.CreateForecastEngine<Point, ForecastOutput>(ml);
        using var b = refit.CreateForecastEngine<Point, ForecastOutput>(ml);
        float[] fa = a.Predict().Forecast, fb = b.Predict().Forecast;
        Assert.Equal(4, fb.Length);
        Assert.NotEqual(fa, fb);
        Assert.All(fb, v => Assert.True(float.IsFinite(v)));
    }
}
