using LstmMlNet.Tests.Infrastructure;
using LstmMlNet.Catalog;
using LstmMlNet.Engine;
using LstmMlNet.Forecasting;
using LstmMlNet.Tests.Catalog;
using LstmMlNet.Tests.Forecasting;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmMlNet.Tests.Onnx;

/// <summary>Bad rows at scoring, through ML.NET's own scoring (Transform, PredictionEngine): a non-finite value scores
/// NaN, a frame row of the wrong length fails naming the column, the length and the frame size. Both checks live in
/// the exported graph (<c>OnnxInputGuards</c>).</summary>
public sealed class ScoringInputGuardTests
{
    private const int FrameSize = 2;

    public sealed class FrameRow
    {
        [VectorType]
        public float[] Frames { get; set; } = Array.Empty<float>();

        public bool Label { get; set; }
    }

    public sealed class BinaryScore
    {
        public float Score { get; set; }
        public float Probability { get; set; }
    }

    public sealed class RegressionScore
    {
        public float Score { get; set; }
    }

    public sealed class ForecastOutput
    {
        public float[] Forecast { get; set; } = Array.Empty<float>();
        public float[] LowerBound { get; set; } = Array.Empty<float>();
        public float[] UpperBound { get; set; } = Array.Empty<float>();
    }

    private static readonly float[] Clean = { 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, -0.6f, 0.7f, 0.8f };

    private static FrameRow[] BinaryRows(int count) =>
        RegressionTrainerTests.Rows(count, 5).Select(r => new FrameRow { Frames = r.Frames, Label = r.Label > 0 }).ToArray();

    private static LstmBinaryTrainer.Options BinaryOptions(PoolingKind pooling) => new()
    {
        FeatureColumnName = nameof(FrameRow.Frames), FrameSize = FrameSize, Network = { HiddenSize = 8, Bidirectional = false }, Pooling = pooling,
        HeadDropout = 0, Epochs = 2, Seed = 1,
    };

    private static float[] With(float value, int at)
    {
        float[] frames = (float[])Clean.Clone();
        frames[at] = value;
        return frames;
    }

    [Theory]
    [InlineData(PoolingKind.Last)]
    [InlineData(PoolingKind.Mean)]
    [InlineData(PoolingKind.Max)]
    [InlineData(PoolingKind.Attention)]
    public void Binary_frames_with_nan_or_infinity_score_nan(PoolingKind pooling)
    {
        var ml = new MLContext(seed: 1);
        ITransformer model = ml.BinaryClassification.Trainers.Lstm(BinaryOptions(pooling)).Fit(ml.Data.LoadFromEnumerable(BinaryRows(60)));
        var engine = ml.Model.CreatePredictionEngine<FrameRow, BinaryScore>(model);
        BinaryScore clean = engine.Predict(new FrameRow { Frames = Clean });
        Assert.True(float.IsFinite(clean.Score) && clean.Probability > 0 && clean.Probability < 1, $"clean score {clean.Score}, probability {clean.Probability}");
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            BinaryScore scored = engine.Predict(new FrameRow { Frames = With(bad, 3) });
            Assert.True(float.IsNaN(scored.Score), $"{bad}: score {scored.Score}");
            Assert.True(float.IsNaN(scored.Probability), $"{bad}: probability {scored.Probability}");
        }
        // The batch path (Transform) too, and a NaN in the last frame, past the steps a Last pooling reads first.
        float[] scores = model.Transform(ml.Data.LoadFromEnumerable(new[] { new FrameRow { Frames = Clean }, new FrameRow { Frames = With(float.NaN, 7) } }))
            .GetColumn<float>("Score").ToArray();
        Assert.Equal(clean.Score, scores[0]);
        Assert.True(float.IsNaN(scores[1]), $"score {scores[1]}");
    }

    [Fact]
    public void Regression_frames_with_nan_score_nan_also_after_save_and_load()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(RegressionTrainerTests.Rows(60, 1));
        var options = new LstmRegressionTrainer.Options
        {
            FeatureColumnName = "Frames", FrameSize = FrameSize, Network = { HiddenSize = 8, Bidirectional = true, Layers = 2 }, ProjectionSize = 4, Epochs = 2, Seed = 1,
        };
        ITransformer model = ml.Regression.Trainers.Lstm(options).Fit(train);
        var (_, loaded) = SavedModel.LoadInNewContext(ml, model, train.Schema);
        using var releaseLoaded = Released.After(loaded);
        foreach (ITransformer m in new[] { model, loaded })
        {
            var engine = ml.Model.CreatePredictionEngine<RegressionTrainerTests.SensorRow, RegressionScore>(m);
            Assert.True(float.IsFinite(engine.Predict(new RegressionTrainerTests.SensorRow { Frames = Clean }).Score));
            Assert.True(float.IsNaN(engine.Predict(new RegressionTrainerTests.SensorRow { Frames = With(float.NaN, 3) }).Score));
            Assert.True(float.IsNaN(engine.Predict(new RegressionTrainerTests.SensorRow { Frames = With(float.NegativeInfinity, 0) }).Score));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void Frame_rows_of_the_wrong_length_fail_naming_the_column_length_and_frame_size(int length)
    {
        var ml = new MLContext(seed: 1);
        ITransformer model = ml.BinaryClassification.Trainers.Lstm(BinaryOptions(PoolingKind.Max)).Fit(ml.Data.LoadFromEnumerable(BinaryRows(60)));
        var engine = ml.Model.CreatePredictionEngine<FrameRow, BinaryScore>(model);
        Exception error = Assert.ThrowsAny<Exception>(() => engine.Predict(new FrameRow { Frames = Clean[..length] }));
        string message = error.ToString();
        Assert.Contains("'Frames'", message);
        Assert.Contains("FrameSize = 2", message);
        Assert.Contains($"{{1,{length}}}", message);
        // Whole frames still score, the empty row included.
        Assert.True(float.IsFinite(engine.Predict(new FrameRow { Frames = Clean[..4] }).Score));
        Assert.True(float.IsFinite(engine.Predict(new FrameRow { Frames = Array.Empty<float>() }).Score));
    }

    [Fact]
    public void Forecast_scoring_model_gives_nan_forecast_and_bounds_for_a_nan_window_or_covariate()
    {
        var ml = new MLContext(seed: 1);
        ForecastEngineTests.Point[] points = ForecastEngineTests.Points(120, 1);
        var options = new LstmForecastingOptions
        {
            InputColumnName = "Value", CovariateColumnNames = new[] { "Phase" }, WindowSize = 12, Horizon = 4, Network = { HiddenSize = 8 }, Epochs = 2,
            MinimumOptimizerSteps = 0, Seed = 2,
        };
        LstmForecastingTransformer model = ml.Forecasting.ForecastByLstm(options).Fit(ml.Data.LoadFromEnumerable(points));
        var engine = ml.Model.CreatePredictionEngine<LstmForecastInput, ForecastOutput>(model.ScoringModel, inputSchemaDefinition: model.ScoringInputSchemaDefinition);
        float[] window = points[^12..].Select(p => p.Value).ToArray();
        float[] covariates = Enumerable.Range(0, 16).Select(t => MathF.Cos(2 * MathF.PI * t / 12)).ToArray();
        ForecastOutput clean = engine.Predict(new LstmForecastInput { Window = window, Covariates = covariates });
        Assert.All(clean.Forecast.Concat(clean.LowerBound).Concat(clean.UpperBound), v => Assert.True(float.IsFinite(v)));

        float[] badWindow = (float[])window.Clone();
        badWindow[0] = float.NaN; // the oldest value, which the forecast's level and scale read only through the window mean
        float[] badCovariates = (float[])covariates.Clone();
        badCovariates[^1] = float.PositiveInfinity; // the last horizon step
        foreach (var input in new[] { new LstmForecastInput { Window = badWindow, Covariates = covariates }, new LstmForecastInput { Window = window, Covariates = badCovariates } })
        {
            ForecastOutput scored = engine.Predict(input);
            Assert.Equal(4, scored.Forecast.Length);
            Assert.All(scored.Forecast.Concat(scored.LowerBound).Concat(scored.UpperBound), v => Assert.True(float.IsNaN(v), $"got {v}"));
        }
    }
}
